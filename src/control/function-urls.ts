// Function URLs (Create/Get/Update/Delete/ListFunctionUrlConfigs): one URL per function and
// qualifier, AuthType NONE or AWS_IAM, optional CORS. Gust serves a URL on its own port under
// /lambda-url/<id>/, since it has no DNS of its own.
import { randomBytes } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { Cors, FunctionUrl, FunctionUrlStore } from '../storage/function-url-store.js';

const isoNow = () => new Date().toISOString();

/** A CORS configuration in Lambda's shape (AllowOrigins, AllowMethods, …), validated. */
export function parseCors(value: unknown): Cors | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter('Cors must be an object.');
  const c = value as Record<string, unknown>;
  const list = (key: string) => {
    const v = c[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParameter(`Cors.${key} must be a list of strings.`);
    return v as string[];
  };
  const maxAge = c.MaxAge;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86400)) throw invalidParameter('Cors.MaxAge must be 0 to 86400.');
  return {
    ...(c.AllowCredentials !== undefined ? { AllowCredentials: c.AllowCredentials === true } : {}),
    ...(list('AllowHeaders') ? { AllowHeaders: list('AllowHeaders') } : {}),
    ...(list('AllowMethods') ? { AllowMethods: list('AllowMethods') } : {}),
    ...(list('AllowOrigins') ? { AllowOrigins: list('AllowOrigins') } : {}),
    ...(list('ExposeHeaders') ? { ExposeHeaders: list('ExposeHeaders') } : {}),
    ...(maxAge !== undefined ? { MaxAge: maxAge as number } : {}),
  };
}

function parseInvokeMode(value: unknown): 'BUFFERED' | 'RESPONSE_STREAM' {
  if (value === undefined) return 'BUFFERED';
  if (value !== 'BUFFERED' && value !== 'RESPONSE_STREAM') {
    throw new GustError('ValidationException', `1 validation error detected: Value '${String(value).slice(0, 40)}' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]`);
  }
  return value;
}

function parseAuthType(value: unknown): 'NONE' | 'AWS_IAM' {
  if (value !== 'NONE' && value !== 'AWS_IAM') throw invalidParameter(`AuthType must be NONE or AWS_IAM; got '${String(value).slice(0, 20)}'.`);
  return value;
}

export class FunctionUrls {
  constructor(private readonly store: FunctionUrlStore) {}

  async get(name: string, qualifier: string): Promise<FunctionUrl> {
    const url = await this.store.get(name, qualifier);
    if (!url) throw new GustError('ResourceNotFoundException', 'The resource you requested does not exist.');
    return url;
  }

  async create(name: string, qualifier: string, body: Record<string, unknown>): Promise<FunctionUrl> {
    if (await this.store.get(name, qualifier)) throw new GustError('ResourceConflictException', `Failed to create function url config for [functionArn = ${name}]. Error message: FunctionUrlConfig exists for this Lambda function`);
    const now = isoNow();
    const url: FunctionUrl = {
      urlId: randomBytes(16).toString('hex'),
      functionName: name,
      qualifier,
      authType: parseAuthType(body.AuthType),
      cors: parseCors(body.Cors),
      invokeMode: parseInvokeMode(body.InvokeMode),
      creationTime: now,
      lastModifiedTime: now,
    };
    await this.store.put(url);
    return url;
  }

  async update(name: string, qualifier: string, body: Record<string, unknown>): Promise<FunctionUrl> {
    const current = await this.get(name, qualifier);
    const url: FunctionUrl = {
      ...current,
      ...(body.AuthType !== undefined ? { authType: parseAuthType(body.AuthType) } : {}),
      ...(body.Cors !== undefined ? { cors: parseCors(body.Cors) } : {}),
      ...(body.InvokeMode !== undefined ? { invokeMode: parseInvokeMode(body.InvokeMode) } : {}),
      lastModifiedTime: isoNow(),
    };
    await this.store.put(url);
    return url;
  }

  async delete(name: string, qualifier: string): Promise<void> {
    await this.get(name, qualifier);
    await this.store.delete(name, qualifier);
  }

  list(name: string): Promise<FunctionUrl[]> {
    return this.store.list(name);
  }
}

/** `created`: CreateFunctionUrlConfig's answer, which has no LastModifiedTime in Lambda's model. */
export function functionUrlShape(url: FunctionUrl, endpoint: string, functionArn: string, created = false) {
  return {
    FunctionUrl: `${endpoint}/lambda-url/${url.urlId}/`,
    FunctionArn: functionArn,
    AuthType: url.authType,
    ...(url.cors ? { Cors: url.cors } : {}),
    CreationTime: url.creationTime,
    ...(created ? {} : { LastModifiedTime: url.lastModifiedTime }),
    InvokeMode: url.invokeMode,
  };
}
