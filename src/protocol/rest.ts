// HTTP bindings of the rest-json and rest-xml protocols, both ways: routing method+path to an
// operation by the model's URI templates, and moving members between path labels, query string,
// headers and status code (server reads requests and writes answers; a client the reverse).
import type { MemberRef, Operation, ServiceModel, Shape, TimestampFormat, UriTemplate } from './model.js';
import type { RawRequest } from './http.js';
import { readScalar } from './xml.js';
import { formatTimestamp } from './json-shapes.js';
import { floatText, headerOf, percentEncode, putEntry } from './wire.js';

function decodeSegment(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

/** Finds the operation whose template matches; returns it with the decoded label values. */
export function matchRestOperation(model: ServiceModel, method: string, rawPath: string, query: URLSearchParams): { op: Operation; labels: Record<string, string> } | undefined {
  const parts = rawPath.split('/').slice(1);
  for (const t of model.uriTemplates) {
    if (t.method !== method) continue;
    const labels = matchTemplate(t, parts);
    if (!labels) continue;
    if (!Object.entries(t.query).every(([k, v]) => query.has(k) && (v === '' || query.get(k) === v))) continue;
    return { op: t.operation, labels };
  }
  return undefined;
}

function matchTemplate(t: UriTemplate, parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  const segs = t.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (seg.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      labels[seg.label!] = rest.map(decodeSegment).join('/');
      return labels;
    }
    const part = parts[i];
    if (part === undefined) return seg.literal === '' ? labels : undefined;
    if (seg.literal !== undefined) {
      if (seg.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      labels[seg.label!] = decodeSegment(part);
    }
  }
  // Trailing slash tolerance: `/functions/` and `/functions` reach the same operation.
  const extra = parts.slice(segs.length);
  return extra.every((p) => p === '') ? labels : undefined;
}

/** A timestamp's format where it sits: the member's, else its shape's, else the location's default. */
function tsFormatOf(ref: MemberRef, shape: Shape, dflt: TimestampFormat): TimestampFormat {
  return ref.timestampFormat ?? shape.timestampFormat ?? dflt;
}

/** A scalar as text in a path label or query string (timestamps ISO 8601 by default). */
function uriText(ref: MemberRef, shape: Shape, v: unknown): string {
  if (shape.type === 'timestamp') return String(formatTimestamp(v as Date, tsFormatOf(ref, shape, 'iso8601')));
  if (shape.type === 'float' || shape.type === 'double') return floatText(v as number);
  if (shape.type === 'blob') return (v as Buffer).toString('base64');
  return String(v);
}

/** A value as one header: lists comma-separated (strings quoted when they hold `,` or `"`), JSON values base64. */
export function headerText(model: ServiceModel, ref: MemberRef, shape: Shape, v: unknown): string {
  if (shape.type === 'list') {
    const itemRef = shape.member!;
    const item = model.shape(itemRef.shape);
    return (v as unknown[]).filter((x) => x !== null && x !== undefined).map((x) => {
      const text = headerText(model, itemRef, item, x);
      return item.type === 'string' && /[",]/.test(text) ? `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : text;
    }).join(', ');
  }
  if (shape.type === 'timestamp') return String(formatTimestamp(v as Date, tsFormatOf(ref, shape, 'rfc822')));
  if (ref.jsonvalue) return Buffer.from(JSON.stringify(v)).toString('base64');
  if (shape.type === 'float' || shape.type === 'double') return floatText(v as number);
  if (shape.type === 'blob') return (v as Buffer).toString('base64');
  return String(v);
}

/** Splits a list header: commas outside quotes (HTTP dates, which hold a comma each, by pairs). */
function splitHeaderList(text: string, item: Shape, itemRef: MemberRef): string[] {
  if (item.type === 'timestamp' && tsFormatOf(itemRef, item, 'rfc822') === 'rfc822') {
    return text.split(/(?<=\d{2}:\d{2}:\d{2} GMT)\s*,\s*/).map((s) => s.trim()).filter((s) => s);
  }
  const out: string[] = [];
  let i = 0;
  while (i <= text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    let item = '';
    if (text[i] === '"') {
      // A quoted item: backslash escapes, then whatever follows up to the next comma is dropped.
      for (i++; i < text.length && text[i] !== '"'; i++) item += text[i] === '\\' && i + 1 < text.length ? text[++i] : text[i];
      const comma = text.indexOf(',', i);
      i = comma < 0 ? text.length + 1 : comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      item = (comma < 0 ? text.slice(i) : text.slice(i, comma)).trim();
      i = comma < 0 ? text.length + 1 : comma + 1;
    }
    out.push(item);
  }
  return out;
}

/** One header's text → a value of the member's shape. */
export function readHeaderValue(model: ServiceModel, ref: MemberRef, shape: Shape, text: string, path: string): unknown {
  if (shape.type === 'list') {
    const itemRef = shape.member!;
    const item = model.shape(itemRef.shape);
    return splitHeaderList(text, item, itemRef).map((s) => readScalar(item, s, path));
  }
  if (ref.jsonvalue) return JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
  return readScalar(shape, text, path);
}

/** Reads the uri, querystring and header members of an input shape (server side). */
export function readHttpBoundMembers(model: ServiceModel, inputShape: Shape, req: RawRequest, labels: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(inputShape.members ?? {})) {
    const shape = model.shape(ref.shape);
    const wire = ref.locationName ?? name;
    switch (ref.location) {
      case 'uri':
        if (labels[wire] !== undefined) out[name] = readScalar(shape, labels[wire], name);
        break;
      case 'querystring': {
        const v = readQueryMember(model, shape, wire, req.query, name);
        if (v !== undefined) out[name] = v;
        break;
      }
      case 'header': {
        const h = req.headers[wire.toLowerCase()];
        if (h !== undefined) out[name] = readHeaderValue(model, ref, shape, h, name);
        break;
      }
      case 'headers': {
        const m = prefixedHeaders(req.headers, wire);
        if (Object.keys(m).length) out[name] = m;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** A query-string member: a list repeats its key; a map takes every parameter (a map of lists, all values). */
function readQueryMember(model: ServiceModel, shape: Shape, wire: string, query: URLSearchParams, path: string): unknown {
  if (shape.type === 'list') {
    const all = query.getAll(wire);
    return all.length ? all.map((v) => readScalar(model.shape(shape.member!.shape), v, path)) : undefined;
  }
  if (shape.type === 'map') {
    const listValued = model.shape(shape.value!.shape).type === 'list';
    const m: Record<string, unknown> = {};
    for (const k of new Set(query.keys())) putEntry(m, k, listValued ? query.getAll(k) : query.getAll(k).at(-1));
    return Object.keys(m).length ? m : undefined;
  }
  return query.has(wire) ? readScalar(shape, query.get(wire)!, path) : undefined;
}

function prefixedHeaders(headers: Record<string, string>, prefix: string): Record<string, string> {
  const lower = prefix.toLowerCase();
  const m: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase().startsWith(lower)) putEntry(m, k.slice(lower.length), v);
  return m;
}

/** Writes the header members of an output shape (and returns the status code member if any). */
export function writeHttpBoundMembers(model: ServiceModel, outputShape: Shape, output: Record<string, unknown>, headers: Record<string, string>): number | undefined {
  let status: number | undefined;
  for (const [name, ref] of Object.entries(outputShape.members ?? {})) {
    const v = output[name];
    if (v === undefined || v === null) continue;
    const shape = model.shape(ref.shape);
    if (ref.location === 'header') {
      if (shape.type === 'list' && (v as unknown[]).length === 0) continue;
      headers[(ref.locationName ?? name).toLowerCase()] = headerText(model, ref, shape, v);
    } else if (ref.location === 'headers') {
      for (const [k, x] of Object.entries(v as Record<string, string>)) headers[`${(ref.locationName ?? name).toLowerCase()}${k}`] = x;
    } else if (ref.location === 'statusCode') {
      status = Number(v);
    }
  }
  return status;
}

/** Client side: the path, query string and headers an input's bound members make, from the template. */
export function writeRequestBindings(model: ServiceModel, op: Operation, inputShape: Shape | undefined, input: Record<string, unknown>): { path: string; headers: Record<string, string> } {
  const [pathTemplate, fixedQuery] = op.http.requestUri.split('?');
  const labels: Record<string, string> = {};
  const query: [string, string | undefined][] = (fixedQuery ? fixedQuery.split('&') : []).map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? [kv, undefined] : [kv.slice(0, eq), kv.slice(eq + 1)];
  });
  const named = new Set(query.map(([k]) => k));
  const maps: [Shape, Record<string, unknown>][] = [];
  const headers: Record<string, string> = {};
  for (const [name, ref] of Object.entries(inputShape?.members ?? {})) {
    const v = input[name];
    if (v === undefined || v === null) continue;
    const shape = model.shape(ref.shape);
    const wire = ref.locationName ?? name;
    if (ref.location === 'uri') labels[wire] = uriText(ref, shape, v);
    else if (ref.location === 'querystring') {
      if (shape.type === 'map') { maps.push([shape, v as Record<string, unknown>]); continue; }
      const items = shape.type === 'list' ? (v as unknown[]).map((x) => uriText(shape.member!, model.shape(shape.member!.shape), x)) : [uriText(ref, shape, v)];
      for (const item of items) query.push([wire, item]);
      named.add(wire);
    } else if (ref.location === 'header') {
      if (shape.type === 'list' && (v as unknown[]).length === 0) continue;
      headers[wire] = headerText(model, ref, shape, v);
    } else if (ref.location === 'headers') {
      for (const [k, x] of Object.entries(v as Record<string, string>)) headers[`${wire}${k}`] = x;
    }
  }
  // Parameters named by a member win over a map's entries of the same key.
  for (const [shape, m] of maps) for (const [k, x] of Object.entries(m)) {
    if (named.has(k)) continue;
    const values = model.shape(shape.value!.shape).type === 'list' ? (x as unknown[]) : [x];
    for (const item of values) query.push([k, String(item)]);
  }
  const path = pathTemplate.replace(/\{([^}]+?)(\+)?\}/g, (_, label: string, greedy?: string) => percentEncode(labels[label] ?? '', greedy === '+'));
  const qs = query.map(([k, v]) => (v === undefined ? percentEncode(k) : `${percentEncode(k)}=${percentEncode(v)}`)).join('&');
  return { path: qs ? `${path}?${qs}` : path, headers };
}

/** Client side: the header and status code members of an answer. */
export function readResponseBindings(model: ServiceModel, shape: Shape, status: number, headers: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const mshape = model.shape(ref.shape);
    const wire = ref.locationName ?? name;
    if (ref.location === 'statusCode') out[name] = status;
    else if (ref.location === 'header') {
      const h = headerOf(headers, wire);
      if (h !== undefined) out[name] = readHeaderValue(model, ref, mshape, h, name);
    } else if (ref.location === 'headers') {
      out[name] = prefixedHeaders(headers, wire);
    }
  }
  return out;
}

const answerViews = new WeakMap<Shape, Shape>();

/**
 * An output shape as an answer carries it: a label or query binding means nothing in an answer,
 * so those members travel in the body (as botocore and the SDKs read them).
 */
export function answerView(shape: Shape): Shape {
  let view = answerViews.get(shape);
  if (!view) {
    const members = Object.fromEntries(Object.entries(shape.members ?? {}).map(([k, r]) =>
      [k, r.location === 'uri' || r.location === 'querystring' ? { ...r, location: undefined } : r]));
    view = { ...shape, members };
    answerViews.set(shape, view);
  }
  return view;
}
