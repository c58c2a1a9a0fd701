// Layer names and ARNs as Lambda writes them: arn:aws:lambda:REGION:ACCOUNT:layer:NAME and
// …:NAME:VERSION. A path's LayerName may be either the name or the layer's ARN.
import { GustError } from '../errors.js';

export interface Home {
  region: string;
  accountId: string;
}

export const LAYER_NAME = /^[a-zA-Z0-9-_]+$/;
const LAYER_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)$/;
export const LAYER_VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/;

export const layerArn = (home: Home, name: string) => `arn:aws:lambda:${home.region}:${home.accountId}:layer:${name}`;
export const layerVersionArn = (home: Home, name: string, version: number) => `${layerArn(home, name)}:${version}`;

const validation = (value: string, field: string, rule: string) =>
  new GustError('ValidationException', `1 validation error detected: Value '${value.slice(0, 200)}' at '${field}' failed to satisfy constraint: ${rule}`);

/** The layer a path's LayerName names; another account's or region's layer is one Gust does not have. */
export function parseLayerName(value: string, home: Home): string {
  if (value.length < 1 || value.length > 140) throw validation(value, 'layerName', 'Member must have length between 1 and 140');
  if (LAYER_NAME.test(value)) {
    if (value.length > 64) throw validation(value, 'layerName', 'Member must have length less than or equal to 64');
    return value;
  }
  const m = LAYER_ARN.exec(value);
  if (!m) throw validation(value, 'layerName', `Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`);
  if (m[1] !== home.region || m[2] !== home.accountId) throw new GustError('ResourceNotFoundException', 'The resource you requested does not exist.');
  return m[3];
}

/** A path's VersionNumber. */
export function parseLayerVersion(value: string): number {
  const n = Number(value);
  if (!/^[0-9]{1,15}$/.test(value) || !Number.isSafeInteger(n)) throw validation(value, 'versionNumber', 'Member must be a whole number');
  return n;
}

/** A layer version ARN, or undefined when it has the wrong form. */
export function parseLayerVersionArn(value: string): { region: string; accountId: string; name: string; version: number } | undefined {
  const m = LAYER_VERSION_ARN.exec(value);
  if (!m || value.length > 140) return undefined;
  return { region: m[1], accountId: m[2], name: m[3], version: Number(m[4]) };
}
