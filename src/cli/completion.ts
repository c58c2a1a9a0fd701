// `gust completion bash|zsh`: a shell completion script generated from commander's command tree,
// so that every command, subcommand and option the CLI has is offered, and nothing it has not.
// The tree is written into the script as a table (command path → words); one small shell function
// walks the words typed so far through it. Regenerate after upgrading Gust.
import type { Command, Option } from 'commander';
import { CliError, EXIT } from './client.js';

export interface CompletionNode {
  /** Subcommand names (aliases included) under this path. */
  commands: string[];
  /** Long and short option flags of this command. */
  options: string[];
  /** Flags that take a value, so the word after them is not a subcommand. */
  optionsWithValue: string[];
}

const flagsOf = (o: Option) => [o.long, o.short].filter((f): f is string => Boolean(f));
const takesValue = (o: Option) => o.required || o.optional;

/** Every command path ('' for the program itself) with its subcommands and options. */
export function completionTree(program: Command): Map<string, CompletionNode> {
  const tree = new Map<string, CompletionNode>();
  const visit = (cmd: Command, path: string) => {
    const visible = cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
    const options = cmd.options.filter((o) => !o.hidden);
    tree.set(path, {
      commands: visible.flatMap((c) => [c.name(), ...c.aliases()]),
      // --help belongs to every command; it is offered once, with the program's own options.
      options: [...options.flatMap(flagsOf), ...(path === '' ? ['--help'] : [])],
      optionsWithValue: options.filter(takesValue).flatMap(flagsOf),
    });
    for (const c of visible) visit(c, path ? `${path} ${c.name()}` : c.name());
  };
  visit(program, '');
  return tree;
}

/** A word safe inside single quotes (command and option names are plain, but be sure). */
const quote = (words: string[]) => `'${words.join(' ').replace(/'/g, '')}'`;

function table(tree: Map<string, CompletionNode>, field: keyof CompletionNode, fn: string): string {
  const cases = [...tree].filter(([, node]) => node[field].length > 0).map(([path, node]) => `    ${quote([path])}) REPLY=${quote(node[field])} ;;`);
  return [`${fn}() {`, '  case "$1" in', ...cases, "    *) REPLY='' ;;", '  esac', '}'].join('\n');
}

/** The shell code both shells share: tables, and the walk that finds the command path typed so far. */
function common(tree: Map<string, CompletionNode>): string {
  return [
    table(tree, 'commands', '_gust_commands'),
    table(tree, 'options', '_gust_options'),
    table(tree, 'optionsWithValue', '_gust_value_options'),
    `# Sets _gust_path to the command path of words 2..$1 of _gust_words and _gust_after_value when
# the word before the cursor is an option that takes a value.
_gust_walk() {
  local i word skip= globals
  _gust_path='' _gust_after_value=
  _gust_value_options ''; globals=" $REPLY "
  for ((i = 2; i < $1; i++)); do
    word=\${_gust_words[i]}
    if [[ -n $skip ]]; then skip=; continue; fi
    if [[ $word == -* ]]; then
      _gust_value_options "$_gust_path"
      [[ $word != *=* && ( " $REPLY " == *" $word "* || $globals == *" $word "* ) ]] && skip=1
      continue
    fi
    _gust_commands "$_gust_path"
    if [[ " $REPLY " == *" $word "* ]]; then _gust_path=\${_gust_path:+$_gust_path }$word; fi
  done
  _gust_after_value=$skip
}
# The candidates for the word being typed: options after a dash, else subcommands.
_gust_candidates() {
  local cur=$1
  if [[ -n $_gust_after_value ]]; then REPLY=''; return 1; fi
  if [[ $cur == -* ]]; then
    local own; _gust_options "$_gust_path"; own=$REPLY
    _gust_options ''; REPLY="$own $REPLY"
  else
    _gust_commands "$_gust_path"
    [[ -z $REPLY ]] && return 1
  fi
  return 0
}`,
  ].join('\n');
}

function bash(tree: Map<string, CompletionNode>): string {
  return `# gust completion for bash. Load it with:  source <(gust completion bash)
# or install it:  gust completion bash > /etc/bash_completion.d/gust
${common(tree)}
_gust_complete() {
  # Shifted by one so that word 1 is "gust", as in zsh.
  local _gust_words=("" "\${COMP_WORDS[@]}") _gust_path _gust_after_value cur=\${COMP_WORDS[COMP_CWORD]}
  _gust_walk $((COMP_CWORD + 1))
  if _gust_candidates "$cur"; then
    COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _gust_complete gust
`;
}

function zsh(tree: Map<string, CompletionNode>): string {
  return `#compdef gust
# gust completion for zsh. Load it with:  source <(gust completion zsh)
# or install it as _gust in a directory of your $fpath.
${common(tree)}
_gust() {
  # zsh arrays start at 1: word 1 is "gust", as _gust_walk expects.
  local -a _gust_words=("\${words[@]}") candidates
  local _gust_path _gust_after_value REPLY
  _gust_walk $CURRENT
  if _gust_candidates "\${words[CURRENT]}"; then
    candidates=(\${=REPLY})
    compadd -- $candidates
  else
    _files
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _gust "$@"; else compdef _gust gust; fi
`;
}

export function completionScript(shell: string, program: Command): string {
  const tree = completionTree(program);
  if (shell === 'bash') return bash(tree);
  if (shell === 'zsh') return zsh(tree);
  throw new CliError(`gust completion supports bash and zsh; got '${shell}'`, EXIT.usage);
}
