// Assembles a running Gust from its parts: sandbox driver, storage, pool, invoker, async worker,
// the control plane and the HTTP APIs. Tests and `gust up` both start Gust through startGust().
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { authorizeFunctionUrl, noAuth, sigV4Authenticator, SIGNING_SERVICES } from './api/authenticator.js';
import { guardConnections } from './api/connection-guard.js';
import { GustRoutes } from './api/gust/gust-routes.js';
import { trackRequests } from './api/http-drain.js';
import { createRequestHandler, MAX_REQUEST_BODY } from './api/http-server.js';
import { LambdaApi } from './api/lambda/lambda-routes.js';
import { LogsApi } from './api/logs/logs-api.js';
import { registeredServices } from './api/services.js';
import type { GustConfig } from './config/config.js';
import { AccessKeys, writeCredentialFiles, type AccessKey } from './control/access-keys.js';
import { clientEndpoint } from './control/client-endpoint.js';
import { SqlAccessKeyStore } from './storage/access-key-store.js';
import { SqlProvisionedConfigStore } from './storage/provisioned-config-store.js';
import { EventInvokeConfigs } from './control/event-invoke-configs.js';
import { functionArn, parseFunctionName } from './control/function-names.js';
import { LATEST } from './control/function-record.js';
import { deadLetterArn } from './control/home.js';
import { FunctionUrls } from './control/function-urls.js';
import { FunctionPolicies } from './control/function-policies.js';
import { FunctionActivation } from './control/function-activation.js';
import { Functions } from './control/functions.js';
import { Versions } from './control/versions.js';
import { ProvisionedConcurrency } from './control/provisioned-concurrency.js';
import { ProvisionedKeeper } from './control/provisioned-keeper.js';
import { ProvisionedStatusStore } from './storage/provisioned-status-store.js';
import { SqlAliasStore } from './storage/alias-store.js';
import { AsyncWorker } from './invoke/async-worker.js';
import { Concurrency } from './invoke/concurrency.js';
import { ClusterConcurrencyCounters } from './invoke/cluster-concurrency-counters.js';
import { ConcurrencyHoldStore } from './storage/concurrency-hold-store.js';
import { Invoker } from './invoke/invoker.js';
import { Pool } from './invoke/pool.js';
import { IdleEvictor } from './invoke/idle-eviction.js';
import { buildLaunch, RUNTIMES_DIR } from './invoke/runtime-launch.js';
import { buildImageLaunch } from './invoke/image-launch.js';
import { ImageStore } from './storage/image-store.js';
import { ImageRoutes } from './api/gust/image-routes.js';
import { ProcessDriver } from './sandbox/process-driver.js';
import { SqlAsyncEventStore } from './storage/async-event-store.js';
import { CodeStore } from './storage/code-store.js';
import { openDatabases } from './storage/database.js';
import { QueueDeadLetterStore, QueueDestinations } from './queues/queue-destinations.js';
import { moveLegacyDeadLetters } from './queues/legacy-dead-letters.js';
import { SqlDeadLetterStore } from './storage/dead-letter-store.js';
import { SqlEventInvokeConfigStore } from './storage/event-invoke-config-store.js';
import { SqlFunctionStore } from './storage/function-store.js';
import { InMemoryFunctionCache, sharedFunctionCache } from './storage/function-cache.js';
import { noChangeFeed, PostgresChangeFeed } from './storage/change-feed.js';
import { sqlUnitOfWork } from './storage/unit-of-work.js';
import { SqlFunctionUrlStore } from './storage/function-url-store.js';
import { SqlPolicyStore } from './storage/policy-store.js';
import { SqlReservationStore } from './storage/reservation-store.js';
import { Reservations } from './invoke/reservations.js';
import { SqlRouteStore } from './storage/route-store.js';
import { CachedRouteStore } from './triggers/http/cached-route-store.js';
import { SqlScheduleStore, sqlScheduleFiringTransaction } from './storage/schedule-store.js';
import { Scheduler } from './triggers/schedule/scheduler.js';
import { realClock } from './clock.js';
import { Schedules } from './control/schedules.js';
import { SchedulerApi } from './api/scheduler/scheduler-routes.js';
import { openTelemetryStores } from './storage/telemetry-stores.js';
import { LogRetention } from './telemetry/log-retention.js';
import { Metering } from './telemetry/metering.js';
import { ThrottleCounts } from './telemetry/function-series.js';
import { ConsoleDataRoutes } from './api/gust/console-data-routes.js';
import { HttpGateway } from './triggers/http/gateway.js';
import { LayerApi } from './api/lambda/layer-routes.js';
import { Layers } from './control/layers.js';
import { LayerTrees } from './control/layer-merge.js';
import { registerRuntimeVersions } from './control/runtime-versions.js';
import { RuntimeCatalog } from './invoke/runtime-catalog.js';
import { isCustomRuntime } from './invoke/runtime-launch.js';
import { SqlLayerStore } from './storage/layer-store.js';
import { createBucketNotificationRules } from './control/objects/bucket-notifications.js';
import { Objects } from './control/objects/objects.js';
import { LocalDiskBlobStore } from './storage/blob-store.js';
import { SqlObjectStore } from './storage/object-store.js';
import { S3BucketRoutes } from './api/s3/s3-bucket-routes.js';
import { S3ListRoutes } from './api/s3/s3-list-routes.js';
import { S3MultipartRoutes } from './api/s3/s3-multipart-routes.js';
import { S3ObjectRoutes } from './api/s3/s3-object-routes.js';
import { Queues } from './queues/queues.js';
import { QueueNotifier } from './queues/queue-notifier.js';
import { SqlQueueStore } from './storage/sql-queue-store.js';
import { ObservabilityRoutes } from './api/gust/observability-routes.js';
import { startMetricsListener, type MetricsListener } from './api/metrics-listener.js';
import { Budgets } from './control/budgets.js';
import { logGroupOf } from './control/logging-config.js';
import { logStreamName } from './telemetry/lambda-log-lines.js';
import { SqlBudgetStore } from './storage/budget-store.js';
import { GustMetrics } from './telemetry/metrics/gust-metrics.js';
import { InvocationTracer } from './telemetry/tracing/invocation-tracer.js';
import { OtlpExporter } from './telemetry/tracing/otlp-exporter.js';
import { EventSourceMappingApi } from './api/lambda/event-source-mapping-routes.js';
import { EventSourceMappings } from './control/event-source-mappings.js';
import { SqlEventSourceMappingStore } from './storage/event-source-mapping-store.js';
import { QueuePollers } from './triggers/queue/queue-pollers.js';
import { brokerSource } from './triggers/brokers/source-factory.js';

/** On a shared directory, blobs and temporary files younger than this may be another node's work in progress. */
const SHARED_SWEEP_MIN_AGE_MS = 60 * 60_000;

export interface RunningGust {
  url: string;
  accessKey: AccessKey;
  pool: Pool;
  /**
   * Drains, then stops: accepts no new connection, lets HTTP requests, invocations and async
   * deliveries in flight finish within the shutdown timeout, stops the rest, flushes telemetry.
   */
  close(): Promise<void>;
  /** Cuts a drain in progress short (a second signal): what still runs is stopped now. */
  stopWaiting(): void;
}

export async function startGust(config: GustConfig, log: (line: string) => void = console.log): Promise<RunningGust> {
  // Sandbox: refuses to start (before anything is written) if the isolation asked for is missing.
  const instanceGroup = createHash('sha256').update(config.dataDir).digest('hex').slice(0, 12);
  const driver = new ProcessDriver(config.sandbox, config.memoryEnforcement, `gust/${instanceGroup}`);
  driver.cleanup();
  // Short, so that socket paths stay under the 108-byte limit whatever the data directory is.
  const socketDir = path.join('/run/gust', instanceGroup);
  const home = { region: config.region, accountId: config.accountId };
  const arnOf = (name: string, qualifier?: string) => functionArn(home, name, qualifier);
  let endpoint = '';

  // Storage.
  const dbs = await openDatabases(config.dataDir, { databaseUrl: config.databaseUrl ?? undefined });
  // Code, layers, images and object bytes: where every node of a cluster reads them (docs/cluster.md).
  const contentDir = config.sharedDir ?? config.dataDir;
  // Nodes on one database hear of each other's writes to what they keep in memory (change-feed.ts).
  const changes = config.databaseUrl ? await PostgresChangeFeed.start(config.databaseUrl, log) : noChangeFeed;
  const keys = await AccessKeys.load(new SqlAccessKeyStore(dbs.metadataSql), undefined, () => changes.publish('keys'));
  changes.subscribe('keys', () => void keys.reload().catch((err) => log(`cluster: could not reload access keys: ${(err as Error)?.message ?? err}`)));
  const accessKey = await keys.ensureDefault();
  const functionCache = config.databaseUrl ? sharedFunctionCache(new InMemoryFunctionCache(), changes) : new InMemoryFunctionCache();
  const functionStore = new SqlFunctionStore(dbs.metadataSql, functionCache);
  const unitOfWork = sqlUnitOfWork(dbs.metadataSql, functionCache);
  const functionExists = async (name: string) => (await functionStore.get(name, LATEST)) !== undefined;
  const code = new CodeStore(contentDir);
  const layerContent = new CodeStore(contentDir, 'layers');
  const images = new ImageStore(contentDir);
  const layerTrees = new LayerTrees(config.dataDir, (key) => layerContent.dirOf(key));
  const runtimes = new RuntimeCatalog(config.dataDir);
  registerRuntimeVersions((runtime) => runtimes.interpreter(runtime)?.version);
  // Telemetry: on this node's telemetry.db, or on a cluster's PostgreSQL (telemetry-stores.ts).
  // The console's history keeps payloads, which can be sensitive (docs/security.md).
  const telemetry = openTelemetryStores(dbs, {
    logs: { maxGroupBytes: config.logGroupMaxMb > 0 ? config.logGroupMaxMb * 1024 * 1024 : Infinity, onOverCap: () => logRetention.wake() },
    history: { maxBytes: config.historyMaxKb * 1024, perFunction: config.historyPerFunction, maxAgeMs: config.historyDays * 86_400_000 },
    log,
  });
  const { logs, history } = telemetry;
  const logRetention = new LogRetention({ store: logs, clock: realClock, log });
  const metering = new Metering(telemetry.metering, config);
  const throttles = new ThrottleCounts();
  const asyncEvents = new SqlAsyncEventStore(dbs.metadataSql);
  const eventInvokeConfigStore = new SqlEventInvokeConfigStore(dbs.metadataSql);
  const functionUrlStore = new SqlFunctionUrlStore(dbs.metadataSql);
  const routes = await CachedRouteStore.load(new SqlRouteStore(dbs.metadataSql), () => changes.publish('routes'));
  changes.subscribe('routes', () => void routes.reload().catch((err) => log(`cluster: could not reload routes: ${(err as Error)?.message ?? err}`)));
  const scheduleStore = new SqlScheduleStore(dbs.metadataSql);

  // Observability: metrics (gauges attached below, once their owners exist), traces, budgets.
  const metrics = new GustMetrics();
  const exporter = config.otlpEndpoint
    ? new OtlpExporter({
        endpoint: config.otlpEndpoint,
        resource: { 'service.name': process.env.OTEL_SERVICE_NAME || 'gust', 'cloud.provider': 'gust', 'cloud.region': config.region, 'cloud.account.id': config.accountId },
        onDropped: (n) => metrics.spanDropped(n),
        log,
      })
    : undefined;
  const tracer = new InvocationTracer(exporter, home);
  const budgets = await Budgets.load({
    store: new SqlBudgetStore(dbs.metadataSql),
    prices: config,
    usage: async (functionName, start, end) => (await metering.usage({ functionName, start, end }))[0] ?? { requests: 0, gbSeconds: 0 },
    functionExists,
    log,
    functionLog: (name, line) =>
      void functionStore.get(name, LATEST).then(
        (fn) => fn && logs.append(logGroupOf(fn), `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[gust]budget`, Date.now(), line),
        () => {},
      ),
  });

  // Invocation: the pool, concurrency, invoke() and the async worker.
  // Long polls on other nodes wake for a message sent here: one announcement at a time per queue
  // (a burst of sends is one), since a missed wake costs only the poll's wait.
  const announcing = new Set<string>();
  const queueNotifier = new QueueNotifier(realClock, (queue) => {
    if (!config.databaseUrl || announcing.has(queue)) return;
    announcing.add(queue);
    setImmediate(() => {
      announcing.delete(queue);
      changes.publish('queue', queue);
    });
  });
  changes.subscribe('queue', (queue) => queue !== undefined && queueNotifier.wake(queue));
  const queues = new Queues({ store: new SqlQueueStore(dbs.metadataSql), clock: realClock, home: { ...home, endpoint: () => endpoint }, notifier: queueNotifier });
  const queueDestinations = new QueueDestinations(queues);
  const deadLetters = new QueueDeadLetterStore(queues, queueDestinations, deadLetterArn(home));
  const movedDeadLetters = await moveLegacyDeadLetters(new SqlDeadLetterStore(dbs.metadataSql), deadLetters);
  if (movedDeadLetters > 0) log(`Dead letters: moved ${movedDeadLetters} from the old store into the queue gust-dead-letters`);
  const pool = new Pool({
    keepAliveMs: config.keepAliveSeconds * 1000,
    driver,
    prepare: async (fn) => {
      if (fn.image) {
        const image = images.info(fn.image.id);
        if (!image) throw new Error(`the image ${fn.image.resolvedUri} of ${fn.name} is no longer in ${config.dataDir}/images`);
        const tags = (await functionStore.get(fn.name, LATEST))?.tags ?? fn.tags;
        const credentials = await keys.forFunction(fn.name);
        return { logs, region: config.region, socketDir, launch: buildImageLaunch({ ...fn, tags }, image, images.rootfsOf(image.id), { ...home, endpoint, credentials }) };
      }
      const interpreter = runtimes.interpreter(fn.runtime);
      if (!interpreter && !isCustomRuntime(fn.runtime)) runtimes.check(fn.runtime); // removed since the function was made: say so
      const optDir = fn.layers && fn.layers.length > 0 ? layerTrees.treeFor(fn.layers.map((l) => l.codeKey)) : undefined;
      // Every byte an instance logs passes here on its way to the store: counted per function.
      const countedLogs = { append: (group: string, stream: string, at: number, message: string) => (metrics.logBytes(fn.name, Buffer.byteLength(message)), logs.append(group, stream, at, message)) };
      return {
        logs: countedLogs,
        region: config.region,
        socketDir,
        // Tags belong to the function: every version's instances start with its current gust: tags.
        launch: buildLaunch({ ...fn, tags: (await functionStore.get(fn.name, LATEST))?.tags ?? fn.tags }, code.dirOf(fn.codeKey), driver.taskRoot(code.dirOf(fn.codeKey)), {
          ...home,
          interpreter,
          opt: optDir ? { hostDir: optDir, root: driver.optRoot(optDir) } : undefined,
          runtimeRoot: driver.runtimeRoot(RUNTIMES_DIR),
          langRoot: interpreter?.prefix ? driver.langRoot(interpreter.prefix) : undefined,
          endpoint,
          credentials: await keys.forFunction(fn.name),
        }),
      };
    },
  });
  // Warm instances give way when memory runs short, the coldest idle ones first.
  const evictor = new IdleEvictor({
    pool,
    clock: realClock,
    floorBytes: config.memoryFloorMb * 1024 * 1024,
    onEvicted: (count, available) => log(`Memory: ${Math.round(available / 2 ** 20)} MB available, under the floor of ${config.memoryFloorMb} MB; stopped ${count} idle instance(s), least recently used first`),
  });
  if (config.memoryFloorMb > 0) evictor.start();
  // States: a function is Pending (an update InProgress) until it is known to be able to run.
  const activation = new FunctionActivation({
    store: functionStore,
    prepare: async (fn) => {
      if (fn.image) {
        if (!images.info(fn.image.id)) throw new Error(`The image ${fn.image.resolvedUri} is no longer imported in this Gust.`);
      } else {
        if (!fs.existsSync(code.dirOf(fn.codeKey))) throw new Error('The function code is missing from the data directory.');
        if (!runtimes.interpreter(fn.runtime) && !isCustomRuntime(fn.runtime)) runtimes.check(fn.runtime);
      }
      await keys.forFunction(fn.name);
    },
    onSettled: (fn) => pool.retire(fn.name, fn.revisionId),
    log,
  });
  const reservations = await Reservations.load(new SqlReservationStore(dbs.metadataSql), () => changes.publish('reservations'));
  changes.subscribe('reservations', () => void reservations.reload().catch((err) => log(`cluster: could not reload reservations: ${(err as Error)?.message ?? err}`)));
  // In a cluster the running counts are the nodes' slots in the database, released when a node's lease ends.
  const holds = config.databaseUrl ? new ConcurrencyHoldStore(dbs.metadataSql) : undefined;
  const clusterCounters = holds ? new ClusterConcurrencyCounters({ store: holds, leaseMs: config.leaseSeconds * 1000, log }) : undefined;
  await clusterCounters?.start();
  const concurrency = new Concurrency(config.concurrencyLimit, reservations, clusterCounters);
  let worker: AsyncWorker | undefined;
  const aliases = new SqlAliasStore(dbs.metadataSql);
  const policies = new FunctionPolicies({
    store: new SqlPolicyStore(dbs.metadataSql),
    home,
    arnOf,
    functionRecord: (name, version) => functionStore.get(name, version),
    alias: (name, alias) => aliases.get(name, alias),
  });
  const versions = new Versions({
    store: functionStore,
    aliases,
    unitOfWork,
    pool,
    arnOf,
    onAliasMoved: (name, alias, from, to) => void provisioned.aliasMoved(name, alias, from, to).catch((err) => log(`provisioned concurrency: ${(err as Error)?.stack ?? err}`)),
  });
  const invoker = new Invoker({
    // An invocation of a function that is still settling waits for it, as a client's waiter would.
    resolveFunction: async (name, qualifier) => (await activation.settled(name), versions.resolve(name, qualifier)),
    pool,
    concurrency,
    metering,
    asyncEvents,
    arnOf,
    idempotencyWindowMs: config.idempotencyWindowSeconds * 1000,
    onEventQueued: () => worker?.wake(),
    history,
    onThrottled: (name) => throttles.add(name),
    metrics,
    tracer,
    budgets,
  });
  worker = new AsyncWorker({
    store: asyncEvents,
    invoker,
    configs: eventInvokeConfigStore,
    deadLetters,
    queueDestinations,
    home,
    arnOf,
    maxParallel: config.asyncParallelism,
    sharedQueue: config.databaseUrl ? { leaseMs: config.leaseSeconds * 1000 } : undefined,
    retryDelayMs: config.asyncRetryDelaySeconds * 1000,
    log,
  });

  // Schedules fire through the durable async queue, like any Event invocation.
  const scheduler = new Scheduler({
    store: scheduleStore,
    transaction: sqlScheduleFiringTransaction(dbs.metadataSql),
    clock: realClock,
    log,
    fire: async (schedule, scheduledAt, queue) => {
      const target = parseFunctionName(schedule.targetArn, home);
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: home.accountId,
        time: new Date(scheduledAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: home.region,
        resources: [schedule.arn],
        detail: {},
      };
      const payload = Buffer.from(schedule.input ?? JSON.stringify(event));
      await queue.enqueue({ requestId: randomUUID(), functionName: target.name, qualifier: target.qualifier ?? LATEST, payload });
    },
    afterFire: () => worker?.wake(),
    rereadEveryMs: config.databaseUrl ? config.leaseSeconds * 1000 : undefined,
  });
  const schedules = new Schedules(scheduleStore, home, functionExists, () => scheduler.refresh());

  // Control: the function lifecycle and what hangs off a function.
  const layers = new Layers({ store: new SqlLayerStore(dbs.metadataSql), content: layerContent, home, usedByFunctions: (key) => functionStore.isLayerContentInUse(key) });
  const functions = new Functions({
    layers,
    layerDirOf: (key) => layerContent.dirOf(key),
    images,
    checkRuntime: (runtime) => runtimes.check(runtime),
    store: functionStore,
    unitOfWork,
    code,
    pool,
    accountId: config.accountId,
    arnOf,
    deadLetterArn: deadLetterArn(home),
    queueExists: (arn) => queueDestinations.exists(arn),
    networkIsolationSupported: driver.supportsNetworkIsolation(),
    onCreated: (name) => void keys.forFunction(name).catch((err) => log(`function key: ${(err as Error)?.stack ?? err}`)),
    activation,
    // The unit of work in Functions.delete removed the rows; what is left is in memory and keys.
    onDeleted: (name) => {
      void keys.revokeFunctionKeys(name).catch((err) => log(`function key: ${(err as Error)?.stack ?? err}`));
      concurrency.forgetFunction(name);
      changes.publish('provisioned');
      void budgets.delete(name).catch((err) => log(`budgets: ${(err as Error)?.stack ?? err}`));
    },
  });

  // The HTTP APIs.
  const authenticator = config.auth ? sigV4Authenticator((id) => keys.get(id), config.region) : noAuth;
  const gust = new GustRoutes({
    metering,
    keys,
    deadLetters,
    routes,
    functionExists,
    redrive: async (d) => {
      await asyncEvents.enqueue({ requestId: randomUUID(), functionName: d.functionName, qualifier: d.qualifier, payload: d.payload });
      worker?.wake();
    },
    code,
    layerContent,
    linkSecret: randomBytes(32).toString('hex'),
    endpoint: () => endpoint,
    status: async () => ({
      concurrentExecutions: await concurrency.running(),
      instances: pool.instanceCounts(),
      queuedAsyncEvents: await asyncEvents.count(),
      possibleDuplicateAsyncEvents: worker?.possibleDuplicates ?? 0,
    }),
  });
  // In a cluster one node, the keeper, keeps the provisioned instances (control/provisioned-keeper.ts).
  const provisionedStatus = new ProvisionedStatusStore(dbs.metadataSql);
  const provisioned = new ProvisionedConcurrency(new SqlProvisionedConfigStore(dbs.metadataSql), versions, pool, concurrency, config.databaseUrl ? { announce: () => changes.publish('provisioned'), sharedStatus: (name, qualifier) => provisionedStatus.get(name, qualifier) } : undefined);
  changes.subscribe('provisioned', () => void provisioned.restoreAll().catch((err) => log(`provisioned concurrency: ${(err as Error)?.stack ?? err}`)));
  const provisionedKeeper = holds && clusterCounters ? new ProvisionedKeeper({ leases: holds, statuses: provisionedStatus, provisioned, nodeId: clusterCounters.nodeId, leaseMs: config.leaseSeconds * 1000, log }) : undefined;
  const lambda = new LambdaApi({
    functions,
    settled: (name) => activation.settled(name),
    versions,
    provisioned,
    invoker,
    home,
    concurrency,
    eventInvokeConfigs: new EventInvokeConfigs(eventInvokeConfigStore, home, functionExists, (arn) => queueDestinations.exists(arn)),
    functionUrls: new FunctionUrls(functionUrlStore),
    policies,
    endpoint: () => endpoint,
    arnOf,
    codeLocation: (fn) => gust.codeLocation(fn),
  });
  const gateway = new HttpGateway({
    routes,
    urls: functionUrlStore,
    invoker,
    accountId: config.accountId,
    precheckSignature: (req) => authenticator.precheck(req, SIGNING_SERVICES.functionUrl),
    verifySignature: (req, body, url) => authorizeFunctionUrl(authenticator.verify(req, body, SIGNING_SERVICES.functionUrl), url, policies),
    logError: (err) => log(`gateway error: ${(err as Error)?.stack ?? err}`),
    // In the function's group, in a stream of Gust's own (as budget warnings are).
    logToFunction: (name, qualifier, line) =>
      void versions.resolve(name, qualifier).then(
        (fn) => logs.append(logGroupOf(fn), logStreamName('gust', 'http-gateway'), Date.now(), line),
        (err) => log(`gateway: cannot log to ${name}: ${(err as Error)?.message ?? err}`),
      ),
  });
  // S3: object bytes on the blob store, metadata (and the notification outbox) in metadata.db.
  const objects = new Objects({
    store: new SqlObjectStore(dbs.metadataSql),
    blobs: new LocalDiskBlobStore(path.join(contentDir, 'objects'), { sweepMinAgeMs: config.sharedDir ? SHARED_SWEEP_MIN_AGE_MS : 0 }),
    rules: createBucketNotificationRules({ home, functionExists, allowsS3: (fn, q, arn) => policies.allowsS3(fn, q, arn) }),
    region: config.region,
    onEventQueued: () => worker?.wake(),
    log,
  });
  const swept = await objects.sweep();
  if (swept > 0) log(`Object store: removed ${swept} blob(s) left by an unfinished upload or an interrupted delete`);
  const s3Objects = new S3ObjectRoutes(objects);
  const s3 = { buckets: new S3BucketRoutes(objects, config.region), objects: s3Objects, lists: new S3ListRoutes(objects), multipart: new S3MultipartRoutes(objects, s3Objects) };
  const consoleData = new ConsoleDataRoutes({
    metering,
    throttles,
    history,
    functionNames: async () => {
      const names: string[] = [];
      for (let marker: string | undefined, page; (page = await functions.list(marker, 1000)); marker = page.nextMarker) {
        names.push(...page.functions.map((f) => f.name));
        if (!page.nextMarker) break;
      }
      return names;
    },
  });
  const mappingStore = new SqlEventSourceMappingStore(dbs.metadataSql);
  const pollers: QueuePollers = new QueuePollers({
    store: mappingStore,
    queues,
    clock: realClock,
    region: config.region,
    invoke: (functionName, qualifier, payload) => invoker.invoke({ functionName, qualifier, payload, type: 'RequestResponse', source: { kind: 'queue' } }),
    limit: (m) => Math.max(1, Math.min(m.maximumConcurrency ?? 1000, concurrency.reserved(m.functionName) ?? concurrency.unreservedLimit)),
    brokers: {
      // Stable across restarts of this node (its MQTT session and Redis consumer resume), distinct per data directory.
      nodeId: `${os.hostname()}-${createHash('sha256').update(config.dataDir).digest('hex').slice(0, 8)}`,
      sources: brokerSource,
      redeliverAfterMs: config.leaseSeconds * 1000,
      invoke: (functionName, qualifier, payload) => invoker.invoke({ functionName, qualifier, payload, type: 'RequestResponse', source: { kind: 'queue' } }),
      sendToDestination: (arn, body) => queueDestinations.send(arn, body),
      functionArn: (m): string => mappings.functionArnOf(m),
    },
    recordResult: (uuid, result) => void mappings.recordResult(uuid, result).catch((err) => log(`event source mapping ${uuid}: ${(err as Error)?.message ?? err}`)),
    log,
  });
  changes.subscribe('mappings', (uuid) => void pollers.reload(uuid).catch((err) => log(`cluster: could not reload event source mappings: ${(err as Error)?.message ?? err}`)));
  const mappings = new EventSourceMappings({
    store: mappingStore,
    home,
    checkFunction: async (name, qualifier) => void (await versions.resolve(name, qualifier)),
    queueOf: async (arn) => {
      const name = queues.nameOfArn(arn);
      return name !== undefined && (await queues.store.getQueue(name)) ? name : undefined;
    },
    destinationExists: (arn) => queueDestinations.exists(arn),
    onChange: (change) => {
      pollers.change(change);
      changes.publish('mappings', change.uuid);
    },
  });
  const handler = createRequestHandler({
    services: registeredServices({
      lambda,
      layers: new LayerApi({ layers, home, contentLocation: (key) => gust.contentLocation(key) }),
      eventSourceMappings: new EventSourceMappingApi(mappings),
      logs: new LogsApi(logs, home),
      scheduler: new SchedulerApi(schedules),
      gust,
      s3,
      queues,
      observability: new ObservabilityRoutes({ metrics, budgets }),
      images: new ImageRoutes(images),
      consoleData,
    }),
    gateway,
    auth: authenticator,
    grants: policies,
    log,
  });
  // Slow clients are cut off: headers within 10 s, checked every second; a body must keep arriving
  // at the guard's minimum rate (see connection-guard.ts). No whole-request timeout: a 5 GB S3
  // upload takes as long as it takes, and a fixed one would cut it; the rate bounds a trickle instead.
  const HEADERS_TIMEOUT_MS = 10_000;
  const server = http.createServer({ connectionsCheckingInterval: 1000, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0 }, handler);
  server.keepAliveTimeout = 65_000;
  guardConnections(server, {
    maxConnections: config.maxConnections,
    maxConnectionsPerClient: config.maxConnectionsPerClient,
    minBodyBytesPerSecond: config.minBodyRate,
    rateWindowMs: 10_000,
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    // The largest body an operation accepts: a client refused early still gets to read the answer.
    maxDrainBytes: MAX_REQUEST_BODY,
  });
  const requests = trackRequests(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  endpoint = `http://${host}:${port}`;
  // Written once the port is known (port 0 picks one): the files name the endpoint clients use.
  writeCredentialFiles(config.dataDir, accessKey, config.region, clientEndpoint(config.host, port));
  metrics.attach({
    runningByFunction: () => concurrency.runningByFunction(),
    instanceStates: () => pool.instanceStates(),
    asyncQueue: () => asyncEvents.depth(),
    now: () => Date.now(),
  });
  let metricsListener: MetricsListener | undefined;
  if (config.metricsPort !== null) metricsListener = await startMetricsListener(metrics, config.host, config.metricsPort, log);
  // Before anything can invoke: what kill -9 left Pending / InProgress settles first (invocations wait for it).
  await activation.resumeAll();
  await worker.start();
  await scheduler.start();
  logRetention.start();
  await provisioned.restoreAll();
  await provisionedKeeper?.start();
  await pollers.start(mappings);

  log(`Sandbox: ${driver.describe()}`);
  if (config.databaseUrl) log(`Metadata: PostgreSQL (nodes on this database form a cluster; async-event leases last ${config.leaseSeconds} s)`);
  if (config.databaseUrl && !config.sharedDir) log('WARNING: no --shared-dir: function code, layers, images and objects stay on this node\'s disk, and other nodes cannot serve them');
  if (config.sharedDir) log(`Shared directory: ${config.sharedDir} (code, layers, images, objects)`);
  if (config.auth) log('Authentication: AWS SigV4 with the access keys in the data directory');
  else log('WARNING: authentication is OFF (--no-auth): anyone who can reach this port can deploy and run code. Use only for local development.');
  log(`Data directory: ${config.dataDir} (credentials in ${config.dataDir}/credentials, profile gust)`);
  if (metricsListener) log(`Metrics: Prometheus at ${metricsListener.url} (unauthenticated: keep this port private)`);
  if (config.otlpEndpoint) log(`Traces: OTLP/HTTP to ${config.otlpEndpoint}/v1/traces`);
  log(`Gust listening on ${endpoint}`);

  let stopWaiting = () => {};
  const cutShort = new Promise<void>((resolve) => (stopWaiting = resolve));
  return {
    url: endpoint,
    accessKey,
    pool,
    stopWaiting,
    async close() {
      const boundMs = config.shutdownTimeoutSeconds * 1000;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<'bound'>((resolve) => (timer = setTimeout(() => resolve('bound'), boundMs)));
      scheduler.stop();
      logRetention.stop();
      // Long polls answer (empty) now rather than hold the drain for up to 20 s.
      queues.notifier.close();
      const httpDone = requests.drain();
      const deliveriesDone = Promise.all([worker?.stop(), pollers.stop()]);
      log(`Shutting down: waiting up to ${config.shutdownTimeoutSeconds} s for ${requests.inFlight} request(s) and the async deliveries in flight`);
      const outcome = await Promise.race([Promise.all([httpDone, deliveriesDone]).then(() => 'drained' as const), bound, cutShort.then(() => 'cut' as const)]);
      clearTimeout(timer);
      if (outcome !== 'drained') log(`Shutting down: ${requests.inFlight} request(s) still in flight ${outcome === 'bound' ? `after ${config.shutdownTimeoutSeconds} s` : 'on a second signal'}; stopping them`);
      requests.cutOff();
      await metricsListener?.close();
      evictor.stop();
      pool.shutdown();
      driver.shutdown();
      fs.rmSync(socketDir, { recursive: true, force: true });
      // Logs, metering and history share one batch (one transaction per flush) on either backend.
      await telemetry.close(log);
      // Spans of the last invocations, within a bound: a collector that is down must not hold up the exit.
      if (exporter) await Promise.race([exporter.close(), new Promise((r) => setTimeout(r, 5000).unref())]);
      provisionedKeeper?.stop();
      await clusterCounters?.stop();
      await changes.close();
      await dbs.close();
      log('Gust stopped');
    },
  };
}
