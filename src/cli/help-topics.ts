// `gust help [topic|command]`: pages on the concepts (docs/help/TOPIC.md, whose examples are the
// README's), or a command's own help, or the list of both.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError, EXIT } from './client.js';

export const HELP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/help');

export function helpTopics(): string[] {
  return fs
    .readdirSync(HELP_DIR)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Markdown for a terminal: code fences dropped and their lines indented, the rest as written. */
export function renderHelpPage(markdown: string): string {
  let inCode = false;
  const lines: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    else lines.push(inCode ? `    ${line}` : line.replace(/^# (.*)$/, (_, title: string) => title.toUpperCase()));
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

export function registerHelp(program: Command): void {
  program.helpCommand(false);
  program
    .command('help [topic...]')
    .description(`a concept (${helpTopics().join(', ')}) or a command, e.g. \`gust help triggers\`, \`gust help route add\``)
    .action((words: string[]) => {
      if (words.length === 0) {
        program.outputHelp();
        return void process.stdout.write(`\nTopics: ${helpTopics().join(', ')} (gust help TOPIC)\n`);
      }
      if (words.length === 1 && helpTopics().includes(words[0])) {
        return void process.stdout.write(renderHelpPage(fs.readFileSync(path.join(HELP_DIR, `${words[0]}.md`), 'utf8')));
      }
      let command: Command | undefined = program;
      for (const word of words) command = command?.commands.find((c) => c.name() === word || c.aliases().includes(word));
      if (!command) throw new CliError(`No help topic or command '${words.join(' ')}'. Topics: ${helpTopics().join(', ')}; commands: gust --help.`, EXIT.usage);
      command.outputHelp();
    });
}
