// A JSON value (a row as PostgreSQL's to_jsonb writes it) in DynamoDB's attribute-value JSON, as
// DynamoDB Streams records carry it: strings S, numbers N (as text), booleans BOOL, null NULL,
// arrays L, objects M.
export type AttributeValue =
  | { S: string } | { N: string } | { BOOL: boolean } | { NULL: true }
  | { L: AttributeValue[] } | { M: Record<string, AttributeValue> };

export function toAttributeValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  return { M: toImage(value as Record<string, unknown>) };
}

export function toImage(row: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(row)) out[k] = toAttributeValue(v);
  return out;
}
