#!/usr/bin/env node
// The `gust` command line: one subcommand per file in this folder, wired up here.
import { Command } from 'commander';
import { CliError, EXIT, GustClient } from './client.js';
import { jsonRequested, reportError } from './error-report.js';
import { printEnv } from './env.js';
import fs from 'node:fs';
import { deploy } from './deploy.js';
import { deployProject, findProjectFile } from './deploy/project-deploy.js';
import { list, remove } from './functions-commands.js';
import { invoke } from './invoke.js';
import { listDeadLetters, redriveDeadLetters } from './dlq.js';
import { addRoute, listRoutes, removeRoute, setRoutesCors } from './routes.js';
import { createBucket, listBuckets, removeBucket } from './buckets.js';
import { addNotification, listNotifications, removeNotification } from './notify.js';
import { addSchedule, listSchedules, removeSchedule, setScheduleState } from './schedules.js';
import { listAliases, listVersions, publish, removeAlias, setAlias } from './versions.js';
import { createKey, listKeys, revokeKey } from './keys.js';
import { logs } from './logs.js';
import { createQueue, listQueues, receiveMessages, removeQueue, sendMessage } from './queues.js';
import { listSubscriptions, removeSubscription, subscribe } from './subscriptions.js';
import { listLayers, publishLayer, removeLayer } from './layers.js';
import { addRuntime, listRuntimes } from './runtimes.js';
import { usage } from './usage.js';
import { listBudgets, removeBudget, setBudget } from './budgets.js';
import { deployImage, importImage, listImages } from './images.js';
import { dev } from './dev.js';
import { registerDailyCommands } from './daily-commands.js';

const program = new Command('gust')
  .description('Gust: serverless functions on your own machine, driven by the AWS tools you know.')
  .option('--endpoint <url>', 'Gust server URL (env GUST_ENDPOINT, default http://127.0.0.1:9000)')
  .option('--data-dir <dir>', 'data directory holding the credentials file (env GUST_DATA_DIR, default ./.gust)')
  .option('--json', 'print machine-readable JSON (errors too, on stderr)')
  .version(JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version, '-V, --version')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => jsonRequested(process.argv) || write(text) });

const client = () => new GustClient({ endpoint: program.opts().endpoint, dataDir: program.opts().dataDir });
const json = () => Boolean(program.opts().json);

program
  .command('up')
  .description('start the Gust server in the foreground')
  .option('--host <host>', 'interface to listen on (env GUST_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port, 0 picks a free one (env GUST_PORT, default 9000)')
  .option('--keep-alive <seconds>', 'how long an idle instance stays warm (env GUST_KEEP_ALIVE, default 600)')
  .option('--memory-floor <mb>', 'below this much available memory, idle instances are stopped, least recently used first; 0: never (env GUST_MEMORY_FLOOR_MB, default 512)')
  .option('--async-retry-delay <seconds>', 'delay before the first retry of a failed async event (env GUST_ASYNC_RETRY_DELAY, default 60)')
  .option('--async-parallelism <n>', 'async events run at once at most, all functions together (env GUST_ASYNC_PARALLELISM, default 100)')
  .option('--concurrency-limit <n>', 'invocations running at once, account-wide (env GUST_CONCURRENCY_LIMIT, default 1000)')
  .option('--memory-enforcement <mode>', 'cgroup (default: refuse to start without cgroups) | auto (use them if possible) | none (env GUST_MEMORY_ENFORCEMENT)')
  .option('--sandbox <mode>', 'namespaces (bubblewrap, default) | process (weaker, explicit) (env GUST_SANDBOX)')
  .option('--no-auth', 'accept unsigned API requests (local development only; env GUST_AUTH=off)')
  .option('--log-group-max-mb <mb>', 'log bytes kept per function, oldest dropped first; 0 = no cap (env GUST_LOG_GROUP_MAX_MB, default 100)')
  .option('--max-connections <n>', 'HTTP connections open at once (env GUST_MAX_CONNECTIONS, default 4096)')
  .option('--max-connections-per-client <n>', 'HTTP connections open at once from one address (env GUST_MAX_CONNECTIONS_PER_CLIENT, default 256)')
  .option('--min-body-rate <bytes/s>', 'slowest a request body may arrive, over 10 s windows (env GUST_MIN_BODY_RATE, default 1024)')
  .option('--shutdown-timeout <seconds>', 'on SIGTERM/SIGINT, how long work in flight may take to finish (env GUST_SHUTDOWN_TIMEOUT, default 30)')
  .option('--history-max-kb <kb>', 'invocation history: KB of payload and response kept per invocation; 0 = no history (env GUST_HISTORY_MAX_KB, default 16)')
  .option('--history-per-function <n>', 'invocation history: invocations kept per function (env GUST_HISTORY_PER_FUNCTION, default 100)')
  .option('--history-days <days>', 'invocation history: days kept (env GUST_HISTORY_DAYS, default 3)')
  .option('--metrics-port <port>', 'also serve Prometheus /metrics, unauthenticated, on this port of the same host; off by default (env GUST_METRICS_PORT)')
  .option('--otlp-endpoint <url>', 'export a trace span per invocation to this OTLP/HTTP collector (env GUST_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT)')
  .option('--database <url>', 'keep metadata in this PostgreSQL database (postgres://…) instead of the data directory; nodes sharing one form a cluster (env GUST_DATABASE_URL; docs/cluster.md)')
  .option('--shared-dir <dir>', 'keep function code, layers, images and S3 objects in this directory that every node mounts (env GUST_SHARED_DIR; docs/cluster.md)')
  .option('--lease-seconds <seconds>', 'with --database: how soon another node takes over the async events of a node that died (env GUST_LEASE_SECONDS, default 30)')
  // Loaded on demand: the server's modules are most of the CLI's start-up time, and only `up` needs them.
  .action(async (o) =>
    (await import('./up.js')).up({
      host: o.host,
      port: o.port,
      dataDir: program.opts().dataDir,
      keepAliveSeconds: o.keepAlive,
      memoryFloorMb: o.memoryFloor,
      concurrencyLimit: o.concurrencyLimit,
      asyncRetryDelaySeconds: o.asyncRetryDelay,
      asyncParallelism: o.asyncParallelism,
      memoryEnforcement: o.memoryEnforcement,
      auth: o.auth === false ? false : undefined,
      sandbox: o.sandbox,
      logGroupMaxMb: o.logGroupMaxMb,
      maxConnections: o.maxConnections,
      maxConnectionsPerClient: o.maxConnectionsPerClient,
      minBodyRate: o.minBodyRate,
      shutdownTimeoutSeconds: o.shutdownTimeout,
      historyMaxKb: o.historyMaxKb,
      historyPerFunction: o.historyPerFunction,
      historyDays: o.historyDays,
      metricsPort: o.metricsPort,
      otlpEndpoint: o.otlpEndpoint,
      databaseUrl: o.database,
      sharedDir: o.sharedDir,
      leaseSeconds: o.leaseSeconds,
    }),
  );

program
  .command('deploy [path]')
  .description('deploy the serverless.yml or SAM template.yaml project in a directory (default .), or one function from a directory or a .zip')
  .option('-n, --name <name>', 'function name (default: the directory name)')
  .option('-r, --runtime <runtime>', 'e.g. nodejs20.x, python3.11, provided.al2023 (guessed from the files)')
  .option('-H, --handler <handler>', 'e.g. index.handler (guessed from the files)')
  .option('-m, --memory <mb>', 'memory size in MB, 128–10240')
  .option('-t, --timeout <seconds>', 'timeout in seconds, 1–900')
  .option('-e, --env <KEY=VALUE...>', 'environment variables')
  .option('-d, --description <text>', 'description')
  .option('-l, --layer <arn>', 'a layer version ARN; repeat for more (in order, at most 5)', (v: string, acc: string[] = []) => [...acc, v])
  .option('-s, --stage <stage>', 'serverless.yml: the stage (default provider.stage, else dev)')
  .option('--region <region>', 'the region the project is deployed to (default the server’s)')
  .option('--stack-name <name>', 'SAM: the stack name (default samconfig.toml’s, else the directory name)')
  .option('--parameter-overrides <KEY=VALUE...>', 'SAM: template parameters')
  .option('--dry-run', 'project: print what would change, and change nothing')
  .option('--delete', 'project: remove everything the project deployed')
  .option('--image <path>', 'deploy a container image (docker save tarball or OCI image layout) as a function with PackageType Image')
  .option('--image-name <name:tag>', 'with --image: the name to import it under (default FUNCTION:latest)')
  .action((target, o) => {
    if (o.image) return deployImage(client(), o.image, { ...o, json: json() });
    const dir = target ?? '.';
    const projectFile = !o.name && !o.runtime && !o.handler && fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? findProjectFile(dir) : undefined;
    if (projectFile) return deployProject(client(), projectFile, { ...o, json: json() });
    if (target === undefined) throw new CliError('No serverless.yml or template.yaml here: give a directory or a .zip to deploy.', EXIT.usage);
    return deploy(client(), target, { ...o, json: json() });
  });

program
  .command('dev [path]')
  .description('deploy a project (or one function directory), then redeploy on every save and print its logs and invocations')
  .option('-s, --stage <stage>', 'serverless.yml: the stage')
  .option('--region <region>', 'the region')
  .option('--stack-name <name>', 'SAM: the stack name')
  .option('--parameter-overrides <KEY=VALUE...>', 'SAM: template parameters')
  .action((target, o) => dev(client(), target, o));

program
  .command('remove [path]')
  .description('remove what the serverless.yml or SAM project in a directory (default .) deployed')
  .option('-s, --stage <stage>', 'serverless.yml: the stage')
  .option('--region <region>', 'the region')
  .option('--stack-name <name>', 'SAM: the stack name')
  .option('--parameter-overrides <KEY=VALUE...>', 'SAM: template parameters')
  .action((target, o) => {
    const projectFile = findProjectFile(target ?? '.');
    if (!projectFile) throw new CliError(`No serverless.yml or template.yaml in ${target ?? 'this directory'}.`, EXIT.usage);
    return deployProject(client(), projectFile, { ...o, delete: true, json: json() });
  });

const layer = program.command('layer').description('Lambda layers: shared code and files under /opt');
layer
  .command('publish <name> <path>')
  .description('publish a new version of a layer from a directory or a .zip')
  .option('--runtimes <runtime...>', 'compatible runtimes, e.g. nodejs20.x python3.12')
  .option('-d, --description <text>', 'description')
  .action((name, path, o) => publishLayer(client(), name, path, { ...o, json: json() }));
layer.command('ls [name]').description('list layers, or the versions of one').action((name) => listLayers(client(), name, { json: json() }));
layer.command('rm <name> <version>').description('delete a layer version (functions using it keep it)').action((name, version) => removeLayer(client(), name, version, { json: json() }));

const image = program.command('image').description('container images for functions with PackageType Image (Gust stands in for the registry)');
image
  .command('import <path>')
  .description('import a docker save tarball or an OCI image layout (directory or tar); then use NAME:TAG as Code.ImageUri')
  .option('--name <name:tag>', 'a name to file it under; repeat for more (default: the names the archive carries)', (v: string, acc: string[] = []) => [...acc, v])
  .action((p, o) => importImage(client(), p, { ...o, json: json() }));
image.command('ls').description('list imported images by name').action(() => listImages(client(), { json: json() }));

const runtime = program.command('runtime').description('the interpreters this machine has for each runtime name');
runtime.command('ls').description('list runtimes and the interpreter each runs on').action(() => listRuntimes(program.opts().dataDir, { json: json() }));
runtime.command('add <runtime>').description('install a Node.js runtime (e.g. nodejs22.x) from the npm registry into the data directory').action((r) => addRuntime(program.opts().dataDir, r, { json: json() }));

program
  .command('invoke <name> [payload]')
  .description('invoke a function with a JSON payload (argument, --file, or stdin) and print the result and log tail')
  .option('-f, --file <file>', 'read the payload from a file (- for stdin)')
  .option('-q, --qualifier <version>', 'version or alias to invoke')
  .option('--async', 'queue the invocation (InvocationType Event) and return at once')
  .option('--no-tail', 'do not print the log tail')
  .action(async (name, payload, o) => {
    process.exitCode = await invoke(client(), name, payload, { ...o, json: json() });
  });

program
  .command('logs <name>')
  .description("print a function's logs")
  .option('-s, --since <duration>', 'only newer than this, e.g. 10m, 2h, 1d')
  .option('-f, --follow', 'keep printing new lines')
  .option('--filter <pattern>', 'CloudWatch filter pattern, e.g. ERROR or "Task timed out"')
  .option('--raw', 'print messages as the function wrote them, terminal escape sequences included')
  .action((name, o) => logs(client(), name, { ...o, json: json() }));

program
  .command('env')
  .description('print the shell exports that point the aws CLI, boto3, SDKs and curl at this Gust: eval "$(gust env)"')
  .action(() => printEnv(client(), { json: json() }));

program.command('ls').description('list functions').action(() => list(client(), { json: json() }));

program
  .command('rm <name>')
  .description('delete a function')
  .action((name) => remove(client(), name, { json: json() }));

program
  .command('usage [name]')
  .description('requests, errors, GB-seconds and cost per function')
  .option('-s, --since <duration>', 'period to report, e.g. 1h, 7d (default: all time)')
  .action((name, o) => usage(client(), name, { ...o, json: json() }));

const budget = program.command('budget').description('monthly budgets per function (GB-seconds or USD)');
budget
  .command('set <name>')
  .description('set the monthly budget of a function; --hard refuses its invocations at 100 %')
  .option('--gb-seconds <n>', 'budget in GB-seconds of billed duration')
  .option('--usd <n>', 'budget in US dollars, priced like `gust usage`')
  .option('--hard', 'refuse invocations (429, Reason FunctionBudgetExceeded) once the budget is used up')
  .action((name, o) => setBudget(client(), name, { ...o, json: json() }));
budget.command('ls').description('list budgets with this month’s spending').action(() => listBudgets(client(), { json: json() }));
budget.command('rm <name>').description('remove the budget of a function').action((name) => removeBudget(client(), name, { json: json() }));

const keys = program.command('keys').description('manage access keys');
keys.command('create').description('create an admin access key (the secret is shown once)').action(() => createKey(client(), { json: json() }));
keys.command('list').description('list access keys (without secrets)').action(() => listKeys(client(), { json: json() }));
keys
  .command('revoke <accessKeyId>')
  .description('revoke an access key at once')
  .action((id) => revokeKey(client(), id, { json: json() }));

program
  .command('publish <name>')
  .description('publish an immutable version of the function as it is now')
  .option('-d, --description <text>', 'description of the version')
  .action((name, o) => publish(client(), name, { ...o, json: json() }));
program
  .command('versions <name>')
  .description("list a function's versions and the aliases pointing at them")
  .action((name) => listVersions(client(), name, { json: json() }));
const alias = program.command('alias').description('aliases: names that point at a version');
alias
  .command('set <name> <alias> <version>')
  .description('create or move an alias, e.g. alias set app live 2 --weight 3=0.1')
  .option('--weight <version=weight>', 'send this share of traffic (0–1) to one other version')
  .action((name, aliasName, version, o) => setAlias(client(), name, aliasName, version, { ...o, json: json() }));
alias.command('ls <name>').description("list a function's aliases and the versions they point at").action((name) => listAliases(client(), name, { json: json() }));
alias.command('rm <name> <alias>').description('delete an alias').action((name, aliasName) => removeAlias(client(), name, aliasName, { json: json() }));

const route = program.command('route').description('HTTP routes to functions, served on the same port');
route
  .command('add <method> <path> <function>')
  .description('route METHOD (or ANY) /path, /items/{id}, /{proxy+} or $default to a function')
  .option('--payload-format <version>', '1.0 (REST API proxy) or 2.0 (HTTP API, default)')
  .action((method, path, fn, o) => addRoute(client(), method, path, fn, { ...o, json: json() }));
route.command('ls').description('list routes').action(() => listRoutes(client(), { json: json() }));
route
  .command('cors')
  .description('CORS for all routes: allowed origins, methods and headers, or --off')
  .option('--allow-origin <origin...>', 'origins (default *)')
  .option('--allow-method <method...>', 'methods')
  .option('--allow-header <header...>', 'request headers')
  .option('--max-age <seconds>', 'how long browsers may cache the preflight')
  .option('--off', 'remove the CORS configuration')
  .action((o) => setRoutesCors(client(), { ...o, json: json() }));
route
  .command('rm <id>')
  .description('remove a route')
  .action((id) => removeRoute(client(), id, { json: json() }));

const schedule = program.command('schedule').description('run functions on a schedule (EventBridge Scheduler API)');
schedule
  .command('add <name> <expression> <function>')
  .description('e.g. add nightly "cron(0 2 * * ? *)" report, or "rate(5 minutes)", or "at(2026-12-01T09:00:00)"')
  .option('--timezone <iana>', 'time zone of the expression, e.g. Europe/Berlin (default UTC)')
  .option('--input <json>', 'a fixed input instead of the EventBridge event')
  .option('--missed <policy>', 'after downtime: fire (a missed run once, default) or skip')
  .option('--delete-after', 'delete a one-time schedule once it has run')
  .action((name, expression, fn, o) => addSchedule(client(), name, expression, fn, { ...o, json: json() }));
schedule.command('ls').description('list schedules').action(() => listSchedules(client(), { json: json() }));
schedule.command('rm <name>').description('delete a schedule').action((name) => removeSchedule(client(), name, { json: json() }));
schedule.command('enable <name>').description('enable a schedule').action((name) => setScheduleState(client(), name, 'ENABLED', { json: json() }));
schedule.command('disable <name>').description('disable a schedule').action((name) => setScheduleState(client(), name, 'DISABLED', { json: json() }));

const bucket = program.command('bucket').description("buckets of Gust's built-in S3 store (upload with `aws s3 cp --endpoint-url`)");
bucket.command('ls').description('list buckets').action(() => listBuckets(client(), { json: json() }));
bucket.command('create <name>').description('create a bucket').action((name) => createBucket(client(), name, { json: json() }));
bucket
  .command('rm <name>')
  .description('delete an empty bucket')
  .option('--force', 'delete its objects first')
  .action((name, o) => removeBucket(client(), name, { ...o, json: json() }));

const notify = program.command('notify').description('run a function when objects are created or removed in a bucket');
notify
  .command('add <bucket> <function>')
  .description('allow S3 to invoke the function (AddPermission) and add it to the bucket’s notifications')
  .option('--events <event...>', 's3:ObjectCreated:* (default), s3:ObjectCreated:Put|Post|Copy|CompleteMultipartUpload, s3:ObjectRemoved:*, s3:ObjectRemoved:Delete')
  .option('--prefix <prefix>', 'only keys starting with this, e.g. uploads/')
  .option('--suffix <suffix>', 'only keys ending with this, e.g. .jpg')
  .option('--id <id>', 'the configuration id (default: FUNCTION-<hash of events and filters>)')
  .action((b, fn, o) => addNotification(client(), b, fn, { ...o, json: json() }));
notify.command('ls <bucket>').description("list a bucket's notifications").action((b) => listNotifications(client(), b, { json: json() }));
notify
  .command('rm <bucket> <id>')
  .description('remove a notification by its id')
  .action((b, id) => removeNotification(client(), b, id, { json: json() }));

const dlq = program.command('dlq').description('the built-in dead-letter store of failed async events');
dlq
  .command('ls [function]')
  .description('list dead letters')
  .action((fn) => listDeadLetters(client(), fn, { json: json() }));
dlq
  .command('redrive <id>')
  .description('queue a dead letter (or `all`) for its function again')
  .option('--function <name>', 'with `all`: only this function’s')
  .action((id, o) => redriveDeadLetters(client(), id, o.function, { json: json() }));

const queue = program.command('queue').description('SQS-compatible queues (the SQS API on the same port)');
queue.command('ls').description('list queues with their message counts').action(() => listQueues(client(), { json: json() }));
queue
  .command('create <name>')
  .description('create a queue')
  .option('--fifo', 'a FIFO queue (the name gets .fifo)')
  .option('--visibility-timeout <seconds>', 'how long a received message stays invisible (default 30)')
  .action((name, o) => createQueue(client(), name, { ...o, json: json() }));
queue.command('rm <name>').description('delete a queue and its messages').action((name) => removeQueue(client(), name, { json: json() }));
queue
  .command('send <queue> <body>')
  .description('send a message')
  .option('--group <id>', 'FIFO: the message group')
  .option('--dedup-id <id>', 'FIFO: the deduplication id')
  .option('--delay <seconds>', 'deliver after this delay')
  .action((name, body, o) => sendMessage(client(), name, body, { ...o, json: json() }));
queue
  .command('receive <queue>')
  .description('receive messages (print their bodies)')
  .option('--max <n>', 'up to this many messages, 1-10', '1')
  .option('--wait <seconds>', 'long-poll up to this long, 0-20', '0')
  .option('--delete', 'delete the messages received')
  .action((name, o) => receiveMessages(client(), name, { ...o, json: json() }));

program
  .command('subscribe <queue> <function>')
  .description("hand a queue's messages to a function in batches (an event-source mapping)")
  .option('--batch-size <n>', 'up to this many messages per invocation, 1-10000 (default 10)')
  .option('--window <seconds>', 'gather a batch for up to this long, 0-300 (needed above 10)')
  .action((q, fn, o) => subscribe(client(), q, fn, { ...o, json: json() }));
const subscriptions = program.command('subscriptions').description('queue subscriptions (event-source mappings)');
subscriptions.command('ls [function]').description('list subscriptions, of one function or all').action((fn) => listSubscriptions(client(), fn, { json: json() }));
subscriptions.command('rm <id>').description('remove a subscription').action((id) => removeSubscription(client(), id, { json: json() }));

registerDailyCommands(program, client, json);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exit(reportError(err, jsonRequested(process.argv)));
}
