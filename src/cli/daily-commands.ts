// The commands of daily work on one function, wired onto the program: describe, url, concurrency,
// plus shell completion and the help topics (kept here so that main.ts stays a list of wiring).
import type { Command } from 'commander';
import type { GustClient } from './client.js';
import { completionScript } from './completion.js';
import { removeConcurrency, setConcurrency } from './concurrency.js';
import { describeFunction } from './describe.js';
import { addUrl, listUrls, removeUrl } from './function-urls.js';
import { registerHelp } from './help-topics.js';

export function registerDailyCommands(program: Command, client: () => GustClient, json: () => boolean): void {
  program
    .command('describe <function>')
    .description('a function at a glance: configuration, triggers (routes, URL, schedules with their next run, buckets, queues), versions, aliases, concurrency')
    .action((fn) => describeFunction(client(), fn, { json: json() }));

  const url = program.command('url').description('function URLs: an HTTP endpoint of its own for a function (or a version or alias)');
  url
    .command('add <function>')
    .description('create the function URL, or change it (FUNCTION or FUNCTION:ALIAS)')
    .option('-q, --qualifier <alias>', 'a version or alias instead of $LATEST')
    .option('--auth <type>', 'NONE (public, default) or AWS_IAM (SigV4-signed requests only)')
    .option('--allow-origin <origin...>', 'CORS: allowed origins (default * once any CORS option is given)')
    .option('--allow-method <method...>', 'CORS: allowed methods')
    .option('--allow-header <header...>', 'CORS: allowed request headers')
    .option('--max-age <seconds>', 'CORS: how long browsers may cache the preflight')
    .option('--stream', 'InvokeMode RESPONSE_STREAM: stream the response as the function writes it')
    .action((fn, o) => addUrl(client(), fn, { ...o, json: json() }));
  url
    .command('rm <function>')
    .description('delete the function URL')
    .option('-q, --qualifier <alias>', 'the URL of this version or alias')
    .action((fn, o) => removeUrl(client(), fn, { ...o, json: json() }));
  url.command('ls <function>').description("list a function's URLs").action((fn) => listUrls(client(), fn, { json: json() }));

  const concurrency = program.command('concurrency').description('reserved concurrency of a function, provisioned concurrency of a version or alias');
  concurrency
    .command('set <function> <n>')
    .description('reserve N concurrent executions (also the cap); with --provisioned keep N instances warm')
    .option('--provisioned', 'provisioned concurrency, on --qualifier (or FUNCTION:ALIAS)')
    .option('-q, --qualifier <alias>', 'with --provisioned: the version or alias')
    .action((fn, n, o) => setConcurrency(client(), fn, n, { ...o, json: json() }));
  concurrency
    .command('rm <function>')
    .description('remove the reserved concurrency, or with --provisioned that of a version or alias')
    .option('--provisioned', 'provisioned concurrency, on --qualifier (or FUNCTION:ALIAS)')
    .option('-q, --qualifier <alias>', 'with --provisioned: the version or alias')
    .action((fn, o) => removeConcurrency(client(), fn, { ...o, json: json() }));

  program
    .command('completion <shell>')
    .description('print a completion script: source <(gust completion bash), or zsh')
    .action((shell) => void process.stdout.write(completionScript(shell, program)));
  registerHelp(program);
}
