// NATS message headers as a plain object of value lists, for events.
import type { MsgHdrs } from 'nats';

export function natsHeaders(headers: MsgHdrs | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!headers) return out;
  for (const key of headers.keys()) out[key] = headers.values(key);
  return out;
}
