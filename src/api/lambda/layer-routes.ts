// Lambda's layer operations (2018-10-31) on the wire: paths, query strings and JSON shapes in,
// calls on control/layers.ts, Lambda's LayerVersion shapes out.
import { invalidParameter } from '../../errors.js';
import { layerArn, layerVersionArn, parseLayerName, parseLayerVersion, type Home } from '../../control/layer-arns.js';
import type { Layers } from '../../control/layers.js';
import type { LayerVersionRecord } from '../../storage/layer-store.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import type { OperationContext as Ctx } from '../service.js';

export interface LayerApiDeps {
  layers: Layers;
  home: Home;
  /** A short-lived URL that serves the layer's zip (Content.Location). */
  contentLocation(codeKey: string): string;
}

export class LayerApi {
  constructor(private readonly deps: LayerApiDeps) {}

  async publishLayerVersion(ctx: Ctx) {
    const name = this.name(ctx);
    return this.reply(ctx, 201, this.versionShape(await this.deps.layers.publish(name, parseJsonObject(ctx.body))));
  }

  async getLayerVersion(ctx: Ctx) {
    return this.reply(ctx, 200, this.versionShape(await this.deps.layers.get(this.name(ctx), this.version(ctx))));
  }

  /** GET /2018-10-31/layers: ListLayers, or GetLayerVersionByArn when ?find=LayerVersion. */
  async listLayersOrFind(ctx: Ctx) {
    if (ctx.query.get('find') === 'LayerVersion') {
      const arn = ctx.query.get('Arn');
      if (!arn) throw invalidParameter('Arn is required.');
      return this.reply(ctx, 200, this.versionShape(await this.deps.layers.getByArn(arn)));
    }
    const latest = await this.deps.layers.latest(this.filter(ctx));
    const { page, next } = this.page(ctx, latest, (v) => v.name);
    return this.reply(ctx, 200, {
      Layers: page.map((v) => ({ LayerName: v.name, LayerArn: layerArn(this.deps.home, v.name), LatestMatchingVersion: this.listItem(v) })),
      ...(next ? { NextMarker: next } : {}),
    });
  }

  async listLayerVersions(ctx: Ctx) {
    const versions = await this.deps.layers.versions(this.name(ctx), this.filter(ctx));
    const { page, next } = this.page(ctx, versions, (v) => String(v.version));
    return this.reply(ctx, 200, { LayerVersions: page.map((v) => this.listItem(v)), ...(next ? { NextMarker: next } : {}) });
  }

  async deleteLayerVersion(ctx: Ctx) {
    await this.deps.layers.delete(this.name(ctx), this.version(ctx));
    return this.reply(ctx, 204, undefined);
  }

  async addLayerVersionPermission(ctx: Ctx) {
    const result = await this.deps.layers.addPermission(this.name(ctx), this.version(ctx), parseJsonObject(ctx.body), ctx.query.get('RevisionId') ?? undefined);
    return this.reply(ctx, 201, result);
  }

  async getLayerVersionPolicy(ctx: Ctx) {
    return this.reply(ctx, 200, await this.deps.layers.getPolicy(this.name(ctx), this.version(ctx)));
  }

  async removeLayerVersionPermission(ctx: Ctx) {
    await this.deps.layers.removePermission(this.name(ctx), this.version(ctx), ctx.params.StatementId, ctx.query.get('RevisionId') ?? undefined);
    return this.reply(ctx, 204, undefined);
  }

  private name(ctx: Ctx): string {
    return parseLayerName(ctx.params.LayerName, this.deps.home);
  }

  private version(ctx: Ctx): number {
    return parseLayerVersion(ctx.params.VersionNumber);
  }

  private filter(ctx: Ctx) {
    const runtime = ctx.query.get('CompatibleRuntime') ?? undefined;
    const architecture = ctx.query.get('CompatibleArchitecture') ?? undefined;
    if (architecture !== undefined && architecture !== 'x86_64' && architecture !== 'arm64') {
      throw invalidParameter(`CompatibleArchitecture must be x86_64 or arm64; got '${architecture.slice(0, 50)}'.`);
    }
    return { runtime, architecture };
  }

  /** Marker: the key of the last item of the previous page, base64url; MaxItems 1–50. */
  private page<T>(ctx: Ctx, items: T[], key: (item: T) => string): { page: T[]; next?: string } {
    const maxItems = ctx.query.has('MaxItems') ? Number(ctx.query.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 50) throw invalidParameter('MaxItems must be an integer from 1 to 50.');
    const marker = ctx.query.get('Marker');
    let start = 0;
    if (marker) {
      const after = Buffer.from(marker, 'base64url').toString('utf8');
      const at = items.findIndex((item) => key(item) === after);
      if (at < 0) throw invalidParameter('Marker is not valid.');
      start = at + 1;
    }
    const page = items.slice(start, start + maxItems);
    return { page, next: start + maxItems < items.length ? Buffer.from(key(page.at(-1)!)).toString('base64url') : undefined };
  }

  private versionShape(v: LayerVersionRecord) {
    return {
      Content: { Location: this.deps.contentLocation(v.codeKey), CodeSha256: v.codeSha256, CodeSize: v.codeSize },
      LayerArn: layerArn(this.deps.home, v.name),
      ...this.listItem(v),
    };
  }

  /** LayerVersionsListItem: what ListLayerVersions and ListLayers show of a version. */
  private listItem(v: LayerVersionRecord) {
    return {
      LayerVersionArn: layerVersionArn(this.deps.home, v.name, v.version),
      Version: v.version,
      Description: v.description,
      CreatedDate: v.createdDate,
      CompatibleRuntimes: v.compatibleRuntimes,
      ...(v.licenseInfo !== undefined ? { LicenseInfo: v.licenseInfo } : {}),
      CompatibleArchitectures: v.compatibleArchitectures,
    };
  }

  private reply(ctx: Ctx, status: number, body: unknown): void {
    if (status === 204) {
      ctx.res.writeHead(204, { 'x-amzn-RequestId': ctx.requestId });
      ctx.res.end();
    } else sendJson(ctx.res, status, body, { 'x-amzn-RequestId': ctx.requestId });
  }
}
