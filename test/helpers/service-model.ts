// botocore's Lambda service model (on the machine with boto3), to check that Gust's responses
// carry no member the model does not have: SDKs drop unknown members silently, so only the raw
// JSON shows them.
import { execFileSync } from 'node:child_process';

interface Shape {
  type: string;
  members?: Record<string, { shape: string; location?: string }>;
  member?: { shape: string };
  value?: { shape: string };
}
interface Model {
  operations: Record<string, { output?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

let model: Model | undefined;

export function lambdaModel(): Model {
  model ??= JSON.parse(
    execFileSync('python3', ['-c', 'import botocore.session, json; print(json.dumps(botocore.session.get_session().get_service_model("lambda")._service_description))'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as Model;
  return model;
}

/** Paths of members in `value` that the operation's output shape does not have. */
export function extraMembers(operation: string, value: unknown): string[] {
  const m = lambdaModel();
  const extras: string[] = [];
  const walk = (shapeName: string, v: unknown, at: string) => {
    const shape = m.shapes[shapeName];
    if (!shape || v === null || v === undefined) return;
    if (shape.type === 'structure' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
        const member = shape.members?.[key];
        if (!member || member.location) extras.push(`${at}.${key}`);
        else walk(member.shape, child, `${at}.${key}`);
      }
    } else if (shape.type === 'list' && Array.isArray(v)) v.forEach((item, i) => walk(shape.member!.shape, item, `${at}[${i}]`));
    else if (shape.type === 'map' && typeof v === 'object') for (const [k, item] of Object.entries(v as object)) walk(shape.value!.shape, item, `${at}.${k}`);
  };
  walk(m.operations[operation].output!.shape, value, operation);
  return extras;
}
