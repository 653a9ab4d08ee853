// Form-encoded parameters of the query and ec2 protocols, both ways: `Name.member.1=...`,
// `Map.entry.1.key=...` (query) and `Name.1=...` with capitalized names (ec2), read from a parsed
// form on the server and written as `Action=...&Version=...&...` by a client.
import type { MemberRef, ServiceModel, Shape } from './model.js';
import { plainText, readScalar } from './xml.js';
import { percentEncode, putEntry } from './wire.js';

/** The two dialects differ in names and lists; everything else is shared. */
export type FormDialect = 'query' | 'ec2';

/** A member's key: ec2 prefers queryName, then the capitalized wire name; query uses the wire name. */
function memberKey(name: string, ref: MemberRef, dialect: FormDialect): string {
  if (dialect === 'query') return ref.locationName ?? name;
  if (ref.queryName) return ref.queryName;
  const wire = ref.locationName ?? name;
  return wire[0].toUpperCase() + wire.slice(1);
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

/**
 * Where a list's items sit: `Name.member.N` (query), `Name.N` flattened or ec2. A flattened list
 * renamed on its member keeps that name (Smithy's xmlName); else botocore models name the items
 * on the list's member (SQS's `AttributeName.1`), which replaces the last segment.
 */
function listBase(shape: Shape, ref: MemberRef | undefined, prefix: string, dialect: FormDialect): string {
  if (dialect === 'ec2') return prefix;
  if (ref?.flattened || shape.flattened) {
    const itemName = shape.member!.locationName;
    return itemName && !ref?.locationName ? [...prefix.split('.').slice(0, -1), itemName].join('.') : prefix;
  }
  return `${prefix}.${shape.member!.locationName ?? 'member'}`;
}

/** A parsed form: its parameters, and every dotted prefix they start with (so a recursive shape stops). */
export interface Form {
  params: Map<string, string>;
  prefixes: Set<string>;
  dialect: FormDialect;
}

export function formOf(params: Iterable<[string, string]>, dialect: FormDialect): Form {
  const map = new Map<string, string>();
  const prefixes = new Set<string>();
  for (const [k, v] of params) {
    map.set(k, v);
    for (let dot = k.indexOf('.'); dot > 0; dot = k.indexOf('.', dot + 1)) prefixes.add(k.slice(0, dot));
  }
  return { params: map, prefixes, dialect };
}

/** Reads a value of `shape` from flat form parameters at `prefix` (undefined when absent). */
export function readFormValue(model: ServiceModel, shape: Shape, form: Form, prefix: string, ref?: MemberRef): unknown {
  const { params, dialect } = form;
  switch (shape.type) {
    case 'structure': {
      if (prefix && !form.prefixes.has(prefix)) return undefined;
      const out: Record<string, unknown> = {};
      let found = false;
      for (const [name, mref] of Object.entries(shape.members ?? {})) {
        const v = readFormValue(model, model.shape(mref.shape), form, join(prefix, memberKey(name, mref, dialect)), mref);
        if (v !== undefined) { out[name] = v; found = true; }
      }
      return found || !prefix ? out : undefined;
    }
    case 'list': {
      // `Name=` (empty) is how the query protocol sends an empty list.
      if (dialect === 'query' && params.get(prefix) === '') return [];
      const base = listBase(shape, ref, prefix, dialect);
      if (!form.prefixes.has(base)) return undefined;
      const itemShape = model.shape(shape.member!.shape);
      const items: unknown[] = [];
      for (let i = 1; ; i++) {
        const v = readFormValue(model, itemShape, form, `${base}.${i}`, shape.member);
        if (v === undefined) break;
        items.push(v);
      }
      return items.length ? items : undefined;
    }
    case 'map': {
      const base = ref?.flattened || shape.flattened ? prefix : `${prefix}.entry`;
      if (!form.prefixes.has(base)) return undefined;
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const out: Record<string, unknown> = {};
      for (let i = 1; ; i++) {
        const k = params.get(`${base}.${i}.${keyName}`);
        if (k === undefined) break;
        putEntry(out, k, readFormValue(model, model.shape(shape.value!.shape), form, `${base}.${i}.${valueName}`, shape.value));
      }
      return Object.keys(out).length ? out : undefined;
    }
    default: {
      const text = params.get(prefix);
      return text === undefined ? undefined : readScalar(shape, text, prefix);
    }
  }
}

/** Writes a value of `shape` as `key=value` pairs at `prefix`. */
export function writeFormValue(model: ServiceModel, shape: Shape, v: unknown, prefix: string, out: [string, string][], ref?: MemberRef, dialect: FormDialect = 'query'): void {
  if (v === undefined || v === null) return;
  switch (shape.type) {
    case 'structure':
      for (const [name, mref] of Object.entries(shape.members ?? {})) {
        writeFormValue(model, model.shape(mref.shape), (v as Record<string, unknown>)[name], join(prefix, memberKey(name, mref, dialect)), out, mref, dialect);
      }
      return;
    case 'list': {
      const items = v as unknown[];
      if (!items.length) {
        if (dialect === 'query') out.push([prefix, '']);
        return;
      }
      const base = listBase(shape, ref, prefix, dialect);
      const itemShape = model.shape(shape.member!.shape);
      items.forEach((x, i) => writeFormValue(model, itemShape, x, `${base}.${i + 1}`, out, shape.member, dialect));
      return;
    }
    case 'map': {
      const base = ref?.flattened || shape.flattened ? prefix : `${prefix}.entry`;
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      Object.entries(v as Record<string, unknown>).forEach(([k, x], i) => {
        out.push([`${base}.${i + 1}.${keyName}`, k]);
        writeFormValue(model, model.shape(shape.value!.shape), x, `${base}.${i + 1}.${valueName}`, out, shape.value, dialect);
      });
      return;
    }
    default:
      // Timestamps ISO 8601 unless told otherwise, blobs base64, floats with NaN/Infinity by name.
      out.push([prefix, plainText(shape, v, ref)]);
  }
}

/** The request body a client sends: `Action` and `Version` first, then the input's parameters. */
export function encodeForm(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}
