// Between the browser's JSON and the values handlers take: input members keyed by model member
// names (timestamps as ISO text or epoch seconds become Dates, base64 becomes Buffers, by the
// model); output back to plain JSON (Dates as ISO text, bytes as base64).
import type { ServiceModel } from '../protocol/model.js';
import { readJsonValue } from '../protocol/json-shapes.js';
import { AwsError } from '../protocol/errors.js';

/**
 * The operation's input from the browser's JSON. Top-level members are read by member name whatever
 * their HTTP location (an S3 Bucket is a URI label on the wire, but just a member here).
 */
export function inputFromJson(model: ServiceModel, opName: string, json: unknown): Record<string, unknown> {
  const op = model.operation(opName);
  if (!op) throw new AwsError('InvalidAction', `Unknown operation ${opName}`, 400);
  if (json === undefined || json === null) return {};
  if (typeof json !== 'object' || Array.isArray(json)) throw new AwsError('SerializationException', 'The input must be a JSON object', 400);
  if (!op.input) return {};
  const shape = model.shape(op.input.shape);
  const src = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const raw = src[name];
    if (raw !== undefined && raw !== null) out[name] = readJsonValue(model, model.shape(ref.shape), raw, name);
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Any handler output as JSON: Dates → ISO text, Buffers/bytes → base64, undefined members dropped. */
export function toJson(v: unknown): Json | undefined {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map((x) => toJson(x) ?? null);
  if (v instanceof Map) return toJson(Object.fromEntries(v));
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const j = toJson(x);
    if (j !== undefined) out[k] = j;
  }
  return out;
}
