// Lambda layers: publish a version (its zip unpacked with the same checks as function code), read,
// list, delete, share by policy, and resolve the Layers a function asks for. A deleted version
// stays usable by the functions that already use it: their records keep its content address.
import { randomUUID } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { CodeStore } from '../storage/code-store.js';
import type { LayerStatement, LayerStore, LayerVersionRecord } from '../storage/layer-store.js';
import { CodeUnpackError } from './code-unpack.js';
import { lambdaTimestamp } from './function-record.js';
import { layerVersionArn, parseLayerVersionArn, type Home } from './layer-arns.js';
import { decodeZipFile } from './zip-upload.js';

/** What a function keeps of each layer it uses (FunctionRecord.layers), in order. */
export interface FunctionLayer {
  arn: string;
  codeSize: number;
  codeKey: string;
  unzippedBytes: number;
}

export interface LayersDeps {
  store: LayerStore;
  content: CodeStore;
  home: Home;
  /** Whether a function (any version) still runs with this content. */
  usedByFunctions(codeKey: string): Promise<boolean>;
}

export const MAX_FUNCTION_LAYERS = 5;
const ARCHITECTURES = ['x86_64', 'arm64'];
const RUNTIME_NAME = /^[a-z0-9.]{1,64}$/;
const notFound = () => new GustError('ResourceNotFoundException', 'The resource you requested does not exist.');
const validation = (value: unknown, field: string, rule: string) =>
  new GustError('ValidationException', `1 validation error detected: Value '${String(value).slice(0, 200)}' at '${field}' failed to satisfy constraint: ${rule}`);

function stringList(value: unknown, field: string, max: number, check: (s: string) => boolean, rule: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalidParameter(`${field} must be a list of strings.`);
  if (value.length > max) throw validation(JSON.stringify(value), field, `Member must have length less than or equal to ${max}`);
  for (const v of value as string[]) if (!check(v)) throw validation(JSON.stringify(value), field, rule);
  return [...new Set(value as string[])];
}

function optionalString(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${field} must be a string.`);
  if (value.length > max) throw validation(value, field, `Member must have length less than or equal to ${max}`);
  return value;
}

export class Layers {
  constructor(private readonly deps: LayersDeps) {}

  async publish(name: string, body: Record<string, unknown>): Promise<LayerVersionRecord> {
    const content = body.Content as { ZipFile?: unknown; S3Bucket?: unknown; S3Key?: unknown } | undefined;
    if (typeof content !== 'object' || content === null) throw invalidParameter('Content is required: Content.ZipFile, the base64-encoded contents of a .zip file.');
    if (content.S3Bucket !== undefined || content.S3Key !== undefined) throw invalidParameter('Gust accepts layer content as Content.ZipFile only (S3 locations are not supported yet).');
    const description = optionalString(body.Description, 'description', 256) ?? '';
    const licenseInfo = optionalString(body.LicenseInfo, 'licenseInfo', 512);
    const compatibleRuntimes = stringList(body.CompatibleRuntimes, 'compatibleRuntimes', 15, (r) => RUNTIME_NAME.test(r), 'Member must satisfy enum value set of Lambda runtimes');
    const compatibleArchitectures = stringList(body.CompatibleArchitectures, 'compatibleArchitectures', 2, (a) => ARCHITECTURES.includes(a), 'Member must satisfy enum value set: [x86_64, arm64]');
    const zip = decodeZipFile(content.ZipFile, 'Content.ZipFile');
    let stored;
    try {
      stored = await this.deps.content.put(zip);
    } catch (err) {
      if (err instanceof CodeUnpackError) throw invalidParameter(err.message);
      throw err;
    }
    return this.deps.store.publish({
      name,
      description,
      compatibleRuntimes,
      compatibleArchitectures,
      ...(licenseInfo !== undefined ? { licenseInfo } : {}),
      createdDate: lambdaTimestamp(),
      codeSha256: stored.sha256Base64,
      codeSize: stored.size,
      codeKey: stored.key,
      unzippedBytes: stored.unzippedBytes,
    });
  }

  async get(name: string, version: number): Promise<LayerVersionRecord> {
    const record = await this.deps.store.get(name, version);
    if (!record) throw notFound();
    return record;
  }

  /** GetLayerVersionByArn (?find=LayerVersion&Arn=…). */
  async getByArn(arn: string): Promise<LayerVersionRecord> {
    const parsed = parseLayerVersionArn(arn);
    if (!parsed) throw validation(arn, 'arn', 'Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+');
    if (parsed.region !== this.deps.home.region || parsed.accountId !== this.deps.home.accountId) throw notFound();
    return this.get(parsed.name, parsed.version);
  }

  /** ListLayerVersions, newest first, filtered as Lambda filters (a layer without any filter value matches none). */
  async versions(name: string, filter: { runtime?: string; architecture?: string }): Promise<LayerVersionRecord[]> {
    return (await this.deps.store.versions(name)).filter((v) => matches(v, filter));
  }

  /** ListLayers: each layer with its newest version that matches the filters. */
  async latest(filter: { runtime?: string; architecture?: string }): Promise<LayerVersionRecord[]> {
    const newest = new Map<string, LayerVersionRecord>();
    for (const v of await this.deps.store.all()) if (!newest.has(v.name) && matches(v, filter)) newest.set(v.name, v);
    return [...newest.values()];
  }

  /** DeleteLayerVersion: idempotent; the content goes only when no function or version uses it. */
  async delete(name: string, version: number): Promise<void> {
    const record = await this.deps.store.get(name, version);
    if (!record) return;
    await this.deps.store.delete(name, version);
    if (!(await this.deps.store.isContentInUse(record.codeKey)) && !(await this.deps.usedByFunctions(record.codeKey))) this.deps.content.remove(record.codeKey);
  }

  async addPermission(name: string, version: number, body: Record<string, unknown>, revisionId: string | undefined) {
    await this.get(name, version);
    const sid = body.StatementId;
    if (typeof sid !== 'string' || !/^[a-zA-Z0-9-_]{1,100}$/.test(sid)) throw validation(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
    if (body.Action !== 'lambda:GetLayerVersion') throw validation(body.Action, 'action', 'Member must satisfy regular expression pattern: lambda:GetLayerVersion');
    const principal = body.Principal;
    if (typeof principal !== 'string' || !/^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$/.test(principal)) {
      throw validation(principal, 'principal', 'Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root');
    }
    const org = body.OrganizationId;
    if (org !== undefined && (typeof org !== 'string' || !/^o-[a-z0-9]{10,32}$/.test(org))) throw validation(org, 'organizationId', 'Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}');
    const policy = await this.deps.store.getPolicy(name, version);
    if (revisionId !== undefined && revisionId !== policy?.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id');
    }
    if (policy?.statements.some((s) => s.Sid === sid)) {
      throw new GustError('ResourceConflictException', `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const statement: LayerStatement = {
      Sid: sid,
      Effect: 'Allow',
      Principal: principal === '*' ? '*' : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
      Action: 'lambda:GetLayerVersion',
      Resource: layerVersionArn(this.deps.home, name, version),
      ...(typeof org === 'string' ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } } : {}),
    };
    const next = { revisionId: randomUUID(), statements: [...(policy?.statements ?? []), statement] };
    await this.deps.store.putPolicy(name, version, next);
    return { Statement: JSON.stringify(statement), RevisionId: next.revisionId };
  }

  async getPolicy(name: string, version: number) {
    await this.get(name, version);
    const policy = await this.deps.store.getPolicy(name, version);
    if (!policy) throw new GustError('ResourceNotFoundException', 'No policy is associated with the given resource.');
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: policy.statements }), RevisionId: policy.revisionId };
  }

  async removePermission(name: string, version: number, sid: string, revisionId: string | undefined) {
    await this.get(name, version);
    const policy = await this.deps.store.getPolicy(name, version);
    if (!policy) throw new GustError('ResourceNotFoundException', 'No policy is associated with the given resource.');
    if (!policy.statements.some((s) => s.Sid === sid)) throw new GustError('ResourceNotFoundException', `Statement ${sid.slice(0, 100)} is not found in resource policy.`);
    if (revisionId !== undefined && revisionId !== policy.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id');
    }
    await this.deps.store.putPolicy(name, version, { revisionId: randomUUID(), statements: policy.statements.filter((s) => s.Sid !== sid) });
  }

  /**
   * A function's Layers, checked as Lambda checks them: at most five version ARNs, each existing,
   * no layer twice. `current` are the function's layers today: a version deleted since stays
   * allowed for it (Lambda keeps a deleted version for the functions that use it).
   */
  async resolveForFunction(value: unknown, current: readonly FunctionLayer[] = []): Promise<FunctionLayer[]> {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalidParameter('Layers must be a list of layer version ARNs.');
    const arns = value as string[];
    if (arns.length > MAX_FUNCTION_LAYERS) throw invalidParameter(`Cannot reference more than ${MAX_FUNCTION_LAYERS} layers.`);
    const seen = new Map<string, string>();
    const out: FunctionLayer[] = [];
    for (const arn of arns) {
      const parsed = parseLayerVersionArn(arn);
      if (!parsed) {
        throw validation(JSON.stringify(arns), 'layers', 'Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+]');
      }
      const layer = `${parsed.region}:${parsed.accountId}:${parsed.name}`;
      const other = seen.get(layer);
      if (other !== undefined) {
        throw invalidParameter(other === arn ? `Duplicate layer version ARNs are not allowed: ${arn}` : `Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${arn}`);
      }
      seen.set(layer, arn);
      const kept = current.find((l) => l.arn === arn);
      const record = parsed.region === this.deps.home.region && parsed.accountId === this.deps.home.accountId ? await this.deps.store.get(parsed.name, parsed.version) : undefined;
      if (record) out.push({ arn, codeSize: record.codeSize, codeKey: record.codeKey, unzippedBytes: record.unzippedBytes });
      else if (kept) out.push(kept);
      else throw invalidParameter(`Layer version ${arn} does not exist.`);
    }
    return out;
  }
}

function matches(v: LayerVersionRecord, filter: { runtime?: string; architecture?: string }): boolean {
  if (filter.runtime !== undefined && !v.compatibleRuntimes.includes(filter.runtime)) return false;
  if (filter.architecture !== undefined && !v.compatibleArchitectures.includes(filter.architecture)) return false;
  return true;
}
