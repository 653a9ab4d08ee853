// Converts between wire JSON (json 1.0/1.1 and rest-json bodies) and chattrail's in-memory values,
// driven by the model: timestamps become Date, blobs Buffer; a value of the wrong JSON type is a
// SerializationException, exactly as the services answer.
import type { MemberRef, ServiceModel, Shape, TimestampFormat } from './model.js';
import { AwsError } from './errors.js';
import { floatText, putEntry } from './wire.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function typeError(path: string, expected: string): AwsError {
  return new AwsError('SerializationException', `Unexpected value at '${path || '$'}': expected ${expected}`);
}

/** JSON has no NaN or infinities: AWS sends them as strings. */
const SPECIAL_FLOATS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function wireName(name: string, ref: MemberRef): string {
  return ref.locationName ?? name;
}

export function parseTimestamp(v: unknown, path: string): Date {
  let d: Date;
  if (typeof v === 'number') d = new Date(v * 1000);
  else if (typeof v === 'string') d = /^\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  else throw typeError(path, 'a timestamp');
  if (Number.isNaN(d.getTime())) throw typeError(path, 'a timestamp');
  return d;
}

export function formatTimestamp(d: Date, format: TimestampFormat): string | number {
  switch (format) {
    case 'unixTimestamp': return d.getTime() / 1000;
    case 'rfc822': return d.toUTCString();
    default: return d.toISOString().replace(/\.\d{3}Z$/, d.getUTCMilliseconds() ? `.${String(d.getUTCMilliseconds()).padStart(3, '0')}Z` : 'Z');
  }
}

/** Wire JSON → values. Only members the shape declares are kept; unknown ones are ignored as AWS does. */
export function readJsonValue(model: ServiceModel, shape: Shape, v: unknown, path: string): unknown {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      if (typeof v !== 'object' || Array.isArray(v)) throw typeError(path, 'an object');
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location) continue; // uri/header/querystring members are not in the body
        const raw = src[wireName(name, ref)];
        if (raw !== undefined && raw !== null) out[name] = readJsonValue(model, model.shape(ref.shape), raw, path ? `${path}.${name}` : name);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(v)) throw typeError(path, 'a list');
      const item = model.shape(shape.member!.shape);
      // A null item stays null (sparse lists); a dense list never carries one.
      return v.map((x, i) => readJsonValue(model, item, x, `${path}[${i}]`) ?? null);
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw typeError(path, 'a map');
      const item = model.shape(shape.value!.shape);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const value = readJsonValue(model, item, x, `${path}.${k}`);
        if (value !== undefined) putEntry(out, k, value);
      }
      return out;
    }
    case 'string':
      if (typeof v !== 'string') throw typeError(path, 'a string');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw typeError(path, 'a boolean');
      return v;
    case 'integer': case 'long':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(path, 'an integer');
      return v;
    case 'float': case 'double':
      if (typeof v === 'string' && Object.hasOwn(SPECIAL_FLOATS, v)) return SPECIAL_FLOATS[v];
      if (typeof v !== 'number') throw typeError(path, 'a number');
      return v;
    case 'timestamp':
      return parseTimestamp(v, path);
    case 'blob':
      if (typeof v !== 'string') throw typeError(path, 'base64 text');
      return Buffer.from(v, 'base64');
    default:
      return v;
  }
}

/**
 * Values → wire JSON, following the shape; members left undefined are omitted. `tsFormat` is a
 * member's own timestamp format, which wins over its shape's; JSON's default is epoch seconds.
 */
export function writeJsonValue(model: ServiceModel, shape: Shape, v: unknown, tsFormat?: TimestampFormat): Json | undefined {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v as Json;
      const src = v as Record<string, unknown>;
      const out: Record<string, Json> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location) continue;
        const w = writeJsonValue(model, model.shape(ref.shape), src[name], ref.timestampFormat);
        if (w !== undefined) out[wireName(name, ref)] = w;
      }
      return out;
    }
    case 'list': {
      const item = model.shape(shape.member!.shape);
      return (v as unknown[]).map((x) => writeJsonValue(model, item, x, shape.member!.timestampFormat) ?? null);
    }
    case 'map': {
      const item = model.shape(shape.value!.shape);
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const w = writeJsonValue(model, item, x, shape.value!.timestampFormat);
        if (w !== undefined) out[k] = w;
      }
      return out;
    }
    case 'float': case 'double':
      return typeof v === 'number' && !Number.isFinite(v) ? floatText(v) : v as Json;
    case 'timestamp':
      return formatTimestamp(v instanceof Date ? v : new Date(v as string), tsFormat ?? shape.timestampFormat ?? 'unixTimestamp');
    case 'blob':
      return Buffer.isBuffer(v) ? v.toString('base64') : Buffer.from(String(v)).toString('base64');
    default:
      return v as Json;
  }
}
