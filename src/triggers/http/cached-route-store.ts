// The routes as the gateway matches them: every gateway request reads all routes and the CORS
// configuration, so this process keeps a snapshot of the route store, loaded at start-up and
// reloaded after each of its own writes; in a cluster, `announce` tells the other nodes, which
// reload() theirs.
import type { Cors } from '../../storage/function-url-store.js';
import type { RouteStore } from '../../storage/route-store.js';
import type { Route } from './route-table.js';

export class CachedRouteStore implements RouteStore {
  private constructor(
    private readonly store: RouteStore,
    private routes: Route[],
    private corsConfig: Cors | undefined,
    private readonly announce: () => void,
  ) {}

  static async load(store: RouteStore, announce: () => void = () => {}): Promise<CachedRouteStore> {
    return new CachedRouteStore(store, await store.all(), await store.cors(), announce);
  }

  /** Reads the routes and CORS again (another node changed them). */
  async reload(): Promise<void> {
    const [routes, cors] = await Promise.all([this.store.all(), this.store.cors()]);
    this.routes = routes;
    this.corsConfig = cors;
  }

  /** The snapshot itself, for the gateway's matching (no promise on every request). */
  current(): { routes: Route[]; cors: Cors | undefined } {
    return { routes: this.routes, cors: this.corsConfig };
  }

  async all() {
    return this.routes;
  }

  async cors() {
    return this.corsConfig;
  }

  async add(route: Route, shape: string) {
    try {
      return await this.store.add(route, shape);
    } finally {
      this.routes = await this.store.all();
      this.announce();
    }
  }

  async remove(id: string) {
    try {
      return await this.store.remove(id);
    } finally {
      this.routes = await this.store.all();
      this.announce();
    }
  }

  async setCors(cors: Cors | undefined) {
    await this.store.setCors(cors);
    this.corsConfig = cors;
    this.announce();
  }
}
