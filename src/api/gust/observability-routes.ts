// Gust's own paths for what operators watch: /gust/metrics (Prometheus text, or the same numbers
// as JSON with ?format=json, for the console) and /gust/budgets (monthly budgets per function).
// Both need an admin key's signature, like every /gust/ path but health and code links.
import type { Budgets } from '../../control/budgets.js';
import { GustError } from '../../errors.js';
import type { GustMetrics } from '../../telemetry/metrics/gust-metrics.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import type { OperationContext } from '../service.js';

export class ObservabilityRoutes {
  constructor(private readonly deps: { metrics: GustMetrics; budgets: Budgets }) {}

  async metrics(ctx: OperationContext) {
    const { metrics } = this.deps;
    if (ctx.query.get('format') === 'json') return sendJson(ctx.res, 200, { metrics: await metrics.snapshot() });
    const { contentType, body } = await metrics.exposition();
    ctx.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    ctx.res.end(body);
  }

  async listBudgets(ctx: OperationContext) {
    sendJson(ctx.res, 200, { budgets: this.deps.budgets.list() });
  }

  /** PUT {"gbSeconds": N} or {"usd": N}, with "hard": true to refuse invocations at 100 %. */
  async putBudget(ctx: OperationContext) {
    sendJson(ctx.res, 200, await this.deps.budgets.set(ctx.params.function, parseJsonObject(ctx.body)));
  }

  async deleteBudget(ctx: OperationContext) {
    const name = ctx.params.function;
    if (!(await this.deps.budgets.delete(name))) throw new GustError('ResourceNotFoundException', `Function ${name.slice(0, 140)} has no budget.`);
    sendJson(ctx.res, 200, { removed: name });
  }
}
