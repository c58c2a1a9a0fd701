// Function URL configurations in metadata.db, cached in memory by URL id: every request to a
// function URL looks one up.
import type { Db } from './database.js';

export interface Cors {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

export interface FunctionUrl {
  urlId: string;
  functionName: string;
  qualifier: string;
  authType: 'NONE' | 'AWS_IAM';
  cors?: Cors;
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  creationTime: string;
  lastModifiedTime: string;
}

export class FunctionUrlStore {
  private byId = new Map<string, FunctionUrl>();

  constructor(private readonly db: Db) {
    this.reload();
  }

  private reload() {
    const rows = this.db.prepare<[], { config: string }>('SELECT config FROM function_urls').all();
    this.byId = new Map(rows.map((r) => JSON.parse(r.config) as FunctionUrl).map((u) => [u.urlId, u]));
  }

  byUrlId(urlId: string): FunctionUrl | undefined {
    return this.byId.get(urlId);
  }

  get(functionName: string, qualifier: string): FunctionUrl | undefined {
    for (const u of this.byId.values()) if (u.functionName === functionName && u.qualifier === qualifier) return u;
    return undefined;
  }

  list(functionName: string): FunctionUrl[] {
    return [...this.byId.values()].filter((u) => u.functionName === functionName);
  }

  put(url: FunctionUrl): void {
    this.db.prepare('INSERT OR REPLACE INTO function_urls (url_id, function_name, qualifier, config) VALUES (?, ?, ?, ?)').run(url.urlId, url.functionName, url.qualifier, JSON.stringify(url));
    this.byId.set(url.urlId, url);
  }

  delete(functionName: string, qualifier?: string): void {
    for (const u of [...this.byId.values()]) {
      if (u.functionName !== functionName || (qualifier !== undefined && u.qualifier !== qualifier)) continue;
      this.db.prepare('DELETE FROM function_urls WHERE url_id = ?').run(u.urlId);
      this.byId.delete(u.urlId);
    }
  }
}
