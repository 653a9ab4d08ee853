// Model-driven XML: writes output shapes as the query and rest-xml protocols do (lists as <member>
// unless flattened, maps as <entry><key/><value/>), and reads rest-xml request bodies into values.
import { XMLParser } from 'fast-xml-parser';
import type { MemberRef, ServiceModel, Shape, TimestampFormat } from './model.js';
import { AwsError } from './errors.js';
import { formatTimestamp, parseTimestamp } from './json-shapes.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function scalarText(shape: Shape, v: unknown, tsFormat: TimestampFormat): string {
  switch (shape.type) {
    case 'timestamp': return String(formatTimestamp(v instanceof Date ? v : new Date(v as string), shape.timestampFormat ?? tsFormat));
    case 'blob': return Buffer.isBuffer(v) ? v.toString('base64') : Buffer.from(String(v)).toString('base64');
    default: return escapeXml(String(v));
  }
}

/** Writes `<name>...</name>` for one value of `shape` (or the repeated elements of a flattened list). */
export function writeXmlElement(model: ServiceModel, name: string, ref: MemberRef | undefined, shape: Shape, v: unknown, tsFormat: TimestampFormat = 'iso8601'): string {
  if (v === undefined || v === null) return '';
  switch (shape.type) {
    case 'structure':
      return `<${name}>${writeXmlMembers(model, shape, v as Record<string, unknown>, tsFormat)}</${name}>`;
    case 'list': {
      const itemRef = shape.member!;
      const itemShape = model.shape(itemRef.shape);
      const items = v as unknown[];
      if (ref?.flattened || shape.flattened) {
        const itemName = itemRef.locationName && !ref?.locationName ? itemRef.locationName : name;
        return items.map((x) => writeXmlElement(model, itemName, itemRef, itemShape, x, tsFormat)).join('');
      }
      const itemName = itemRef.locationName ?? 'member';
      return `<${name}>${items.map((x) => writeXmlElement(model, itemName, itemRef, itemShape, x, tsFormat)).join('')}</${name}>`;
    }
    case 'map': {
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const valueShape = model.shape(shape.value!.shape);
      const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) =>
        `<entry><${keyName}>${escapeXml(k)}</${keyName}>${writeXmlElement(model, valueName, shape.value, valueShape, x, tsFormat)}</entry>`).join('');
      return ref?.flattened || shape.flattened ? entries : `<${name}>${entries}</${name}>`;
    }
    default:
      return `<${name}>${scalarText(shape, v, tsFormat)}</${name}>`;
  }
}

export function writeXmlMembers(model: ServiceModel, shape: Shape, obj: Record<string, unknown>, tsFormat: TimestampFormat = 'iso8601'): string {
  let out = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.location || ref.xmlAttribute) continue;
    const v = obj[name];
    if (v === undefined || v === null) continue;
    out += writeXmlElement(model, ref.locationName ?? name, ref, model.shape(ref.shape), v, tsFormat);
  }
  return out;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: () => false,
});

/** Parses an XML document into a plain tree; malformed XML is the caller's MalformedXML error. */
export function parseXmlDocument(text: string): Record<string, unknown> {
  try {
    return parser.parse(text, true) as Record<string, unknown>;
  } catch {
    throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** A parsed XML element → a value of `shape` (rest-xml request bodies). */
export function readXmlValue(model: ServiceModel, shape: Shape, node: unknown, ref?: MemberRef): unknown {
  if (node === undefined || node === null) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof node !== 'object') return {};
      const src = node as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, mref] of Object.entries(shape.members ?? {})) {
        if (mref.location || mref.xmlAttribute) continue;
        const mshape = model.shape(mref.shape);
        const key = mref.locationName ?? name;
        const flattenedList = mshape.type === 'list' && (mref.flattened || mshape.flattened);
        const raw = flattenedList ? src[mshape.member?.locationName && !mref.locationName ? mshape.member.locationName : key] : src[key];
        const v = flattenedList ? asArray(raw).map((x) => readXmlValue(model, model.shape(mshape.member!.shape), x)) : readXmlValue(model, mshape, raw, mref);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list': {
      const itemName = shape.member!.locationName ?? 'member';
      const items = ref?.flattened || shape.flattened ? asArray(node) : asArray((node as Record<string, unknown>)[itemName]);
      return items.map((x) => readXmlValue(model, model.shape(shape.member!.shape), x));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of asArray((node as Record<string, unknown>).entry)) {
        const entry = e as Record<string, unknown>;
        out[String(entry[shape.key!.locationName ?? 'key'])] = readXmlValue(model, model.shape(shape.value!.shape), entry[shape.value!.locationName ?? 'value']);
      }
      return out;
    }
    default:
      return readScalar(shape, typeof node === 'object' ? '' : String(node));
  }
}

/** Text (from XML, a header, a query string or a form field) → a scalar of `shape`. */
export function readScalar(shape: Shape, text: string, path = ''): unknown {
  switch (shape.type) {
    case 'integer': case 'long': case 'float': case 'double': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) throw new AwsError('ValidationError', `Value '${text}' at '${path}' failed to satisfy constraint: Member must be a number`);
      return n;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new AwsError('ValidationError', `Value '${text}' at '${path}' failed to satisfy constraint: Member must be a boolean`);
      return text === 'true';
    case 'timestamp':
      try { return parseTimestamp(text, path); } catch { throw new AwsError('ValidationError', `Value '${text}' at '${path}' failed to satisfy constraint: Member must be a timestamp`); }
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}
