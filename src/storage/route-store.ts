// HTTP routes in metadata.db, cached in memory: every gateway request looks them up.
import type { Route } from '../triggers/http/route-table.js';
import type { Db } from './database.js';
import type { Cors } from './function-url-store.js';

interface Row {
  id: string;
  method: string;
  path: string;
  function_name: string;
  payload_format: '1.0' | '2.0';
}

export class RouteStore {
  private routes: Route[];
  private corsConfig: Cors | undefined;

  constructor(private readonly db: Db) {
    this.routes = this.load();
    const row = db.prepare<[], { value: string }>("SELECT value FROM gateway_settings WHERE key = 'cors'").get();
    this.corsConfig = row ? (JSON.parse(row.value) as Cors) : undefined;
  }

  /** The CORS configuration of the routes' API, if any. */
  cors(): Cors | undefined {
    return this.corsConfig;
  }

  setCors(cors: Cors | undefined): void {
    if (cors) this.db.prepare("INSERT OR REPLACE INTO gateway_settings (key, value) VALUES ('cors', ?)").run(JSON.stringify(cors));
    else this.db.prepare("DELETE FROM gateway_settings WHERE key = 'cors'").run();
    this.corsConfig = cors;
  }

  private load(): Route[] {
    return this.db
      .prepare<[], Row>('SELECT id, method, path, function_name, payload_format FROM http_routes ORDER BY created_at')
      .all()
      .map((r) => ({ id: r.id, method: r.method, path: r.path, functionName: r.function_name, payloadFormat: r.payload_format }));
  }

  all(): Route[] {
    return this.routes;
  }

  /** False when a route of the same shape exists. */
  add(route: Route, shape: string): boolean {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO http_routes (id, method, path, route_shape, function_name, payload_format, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(route.id, route.method, route.path, shape, route.functionName, route.payloadFormat, Date.now());
    this.routes = this.load();
    return result.changes > 0;
  }

  remove(id: string): boolean {
    const changed = this.db.prepare('DELETE FROM http_routes WHERE id = ?').run(id).changes > 0;
    this.routes = this.load();
    return changed;
  }
}
