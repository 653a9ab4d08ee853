// HTTP bindings of the rest-json and rest-xml protocols: routing method+path to an operation by the
// model's URI templates, and moving members between labels, query string, headers and the body.
import type { Operation, ServiceModel, Shape, UriTemplate } from './model.js';
import type { RawRequest } from './http.js';
import { readScalar } from './xml.js';
import { formatTimestamp } from './json-shapes.js';

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

/** Reads the uri, querystring and header members of an input shape. */
export function readHttpBoundMembers(model: ServiceModel, inputShape: Shape, req: RawRequest, labels: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(inputShape.members ?? {})) {
    const shape = model.shape(ref.shape);
    const wire = ref.locationName ?? name;
    switch (ref.location) {
      case 'uri':
        if (labels[wire] !== undefined) out[name] = readScalar(shape, labels[wire], name);
        break;
      case 'querystring':
        if (shape.type === 'list') {
          const all = req.query.getAll(wire);
          if (all.length) out[name] = all.map((v) => readScalar(model.shape(shape.member!.shape), v, name));
        } else if (shape.type === 'map') {
          const m: Record<string, string> = {};
          for (const [k, v] of req.query) m[k] = v;
          out[name] = m;
        } else if (req.query.has(wire)) {
          out[name] = readScalar(shape, req.query.get(wire)!, name);
        }
        break;
      case 'header': {
        const h = req.headers[wire.toLowerCase()];
        if (h !== undefined) out[name] = shape.type === 'list' ? h.split(',').map((s) => s.trim()) : readScalar(shape, h, name);
        break;
      }
      case 'headers': {
        const prefix = wire.toLowerCase();
        const m: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix)) m[k.slice(prefix.length)] = v;
        if (Object.keys(m).length) out[name] = m;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Writes the header members of an output shape (and returns the status code member if any). */
export function writeHttpBoundMembers(model: ServiceModel, outputShape: Shape, output: Record<string, unknown>, headers: Record<string, string>): number | undefined {
  let status: number | undefined;
  for (const [name, ref] of Object.entries(outputShape.members ?? {})) {
    const v = output[name];
    if (v === undefined || v === null) continue;
    const shape = model.shape(ref.shape);
    if (ref.location === 'header') {
      headers[(ref.locationName ?? name).toLowerCase()] =
        shape.type === 'timestamp' ? String(formatTimestamp(v as Date, ref.timestampFormat ?? 'rfc822')) :
        shape.type === 'list' ? (v as unknown[]).join(',') : String(v);
    } else if (ref.location === 'headers') {
      for (const [k, x] of Object.entries(v as Record<string, string>)) headers[`${(ref.locationName ?? name).toLowerCase()}${k}`] = x;
    } else if (ref.location === 'statusCode') {
      status = Number(v);
    }
  }
  return status;
}
