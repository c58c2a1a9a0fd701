// HTTP routes and the routes' CORS configuration, as an async interface with its SQLite
// implementation over Kysely. The gateway reads them through an in-memory snapshot
// (triggers/http/cached-route-store.ts), since every gateway request matches against all routes.
import type { Route } from '../triggers/http/route-table.js';
import type { Cors } from './function-url-store.js';
import type { MetadataDb } from './metadata-tables.js';

export interface RouteStore {
  /** Every route, oldest first. */
  all(): Promise<Route[]>;
  /** False (and nothing written) when a route with this id or of the same shape exists. */
  add(route: Route, shape: string): Promise<boolean>;
  /** False when there was no such route. */
  remove(id: string): Promise<boolean>;
  /** The CORS configuration of the routes' API, if any. */
  cors(): Promise<Cors | undefined>;
  /** Sets, or with undefined removes, the routes' CORS configuration. */
  setCors(cors: Cors | undefined): Promise<void>;
}

export class SqlRouteStore implements RouteStore {
  constructor(private readonly db: MetadataDb) {}

  async all() {
    const rows = await this.db.selectFrom('http_routes').select(['id', 'method', 'path', 'function_name', 'payload_format']).orderBy('created_at').orderBy('id').execute();
    return rows.map((r): Route => ({ id: r.id, method: r.method, path: r.path, functionName: r.function_name, payloadFormat: r.payload_format as Route['payloadFormat'] }));
  }

  async add(route: Route, shape: string) {
    const result = await this.db
      .insertInto('http_routes')
      .values({ id: route.id, method: route.method, path: route.path, route_shape: shape, function_name: route.functionName, payload_format: route.payloadFormat, created_at: Date.now() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async remove(id: string) {
    const result = await this.db.deleteFrom('http_routes').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async cors() {
    const row = await this.db.selectFrom('gateway_settings').select('value').where('key', '=', 'cors').executeTakeFirst();
    return row ? (JSON.parse(row.value) as Cors) : undefined;
  }

  async setCors(cors: Cors | undefined) {
    if (!cors) {
      await this.db.deleteFrom('gateway_settings').where('key', '=', 'cors').execute();
      return;
    }
    const value = JSON.stringify(cors);
    await this.db.insertInto('gateway_settings').values({ key: 'cors', value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }
}
