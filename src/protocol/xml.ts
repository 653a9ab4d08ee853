// Model-driven XML for the query, ec2 and rest-xml protocols, both ways: writes shapes (lists as
// <member> unless flattened, maps as <entry><key/><value/>, attributes, namespaces) and reads a
// parsed element tree back into values, as botocore and the AWS SDKs read it.
import { XMLParser } from 'fast-xml-parser';
import type { MemberRef, ServiceModel, Shape, XmlNamespace } from './model.js';
import { AwsError } from './errors.js';
import { formatTimestamp, parseTimestamp } from './json-shapes.js';
import { floatText, putEntry } from './wire.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
/** Text and attribute values; a carriage return is escaped so a parser's line-end normalizing keeps it. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r]/g, (c) => ESCAPES[c]);
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** ` xmlns="uri"` or ` xmlns:prefix="uri"` for a model's xmlNamespace (a bare string or {uri, prefix}). */
export function namespaceAttr(ns: XmlNamespace | undefined): string {
  if (!ns) return '';
  if (typeof ns === 'string') return ` xmlns="${escapeXml(ns)}"`;
  return ` xmlns${ns.prefix ? `:${ns.prefix}` : ''}="${escapeXml(ns.uri)}"`;
}

/** A scalar as plain text: timestamps ISO 8601 unless the member or shape says otherwise, blobs base64. */
export function plainText(shape: Shape, v: unknown, ref?: MemberRef): string {
  switch (shape.type) {
    case 'timestamp': return String(formatTimestamp(v instanceof Date ? v : new Date(v as string), ref?.timestampFormat ?? shape.timestampFormat ?? 'iso8601'));
    case 'blob': return Buffer.isBuffer(v) ? v.toString('base64') : Buffer.from(String(v)).toString('base64');
    case 'float': case 'double': return floatText(Number(v));
    default: return String(v);
  }
}

/** A scalar as escaped XML text. */
export function scalarText(shape: Shape, v: unknown, ref?: MemberRef): string {
  return escapeXml(plainText(shape, v, ref));
}

/** The attributes of a structure: its xmlAttribute members (and the xsi prefix they may need, unless `declared`). */
function attributesOf(model: ServiceModel, shape: Shape, obj: Record<string, unknown>, declared: string): string {
  let out = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (!ref.xmlAttribute || obj[name] === undefined || obj[name] === null) continue;
    const attr = ref.locationName ?? name;
    if (attr.startsWith('xsi:') && !`${declared}${out}`.includes('xmlns:xsi=')) out += ` xmlns:xsi="${XSI}"`;
    out += ` ${attr}="${scalarText(model.shape(ref.shape), obj[name], ref)}"`;
  }
  return out;
}

/** Writes `<name>...</name>` for one value of `shape` (or the repeated elements of a flattened list or map). */
export function writeXmlElement(model: ServiceModel, name: string, ref: MemberRef | undefined, shape: Shape, v: unknown): string {
  if (v === undefined || v === null) return '';
  const ns = namespaceAttr(ref?.xmlNamespace ?? shape.xmlNamespace);
  switch (shape.type) {
    case 'structure': {
      const obj = v as Record<string, unknown>;
      return `<${name}${ns}${attributesOf(model, shape, obj, ns)}>${writeXmlMembers(model, shape, obj)}</${name}>`;
    }
    case 'list': {
      const itemRef = shape.member!;
      const itemShape = model.shape(itemRef.shape);
      const items = v as unknown[];
      // Flattened, each item is an element named as the structure member (the list member's name is not used).
      if (ref?.flattened || shape.flattened) return items.map((x) => writeXmlElement(model, name, itemRef, itemShape, x)).join('');
      const itemName = itemRef.locationName ?? 'member';
      return `<${name}${ns}>${items.map((x) => writeXmlElement(model, itemName, itemRef, itemShape, x)).join('')}</${name}>`;
    }
    case 'map': {
      const keyRef = shape.key!;
      const valueRef = shape.value!;
      const keyShape = model.shape(keyRef.shape);
      const valueShape = model.shape(valueRef.shape);
      const pairs = Object.entries(v as Record<string, unknown>).map(([k, x]) =>
        writeXmlElement(model, keyRef.locationName ?? 'key', keyRef, keyShape, k) +
        writeXmlElement(model, valueRef.locationName ?? 'value', valueRef, valueShape, x));
      if (ref?.flattened || shape.flattened) return pairs.map((p) => `<${name}${ns}>${p}</${name}>`).join('');
      return `<${name}${ns}>${pairs.map((p) => `<entry>${p}</entry>`).join('')}</${name}>`;
    }
    default:
      return `<${name}${ns}>${scalarText(shape, v, ref)}</${name}>`;
  }
}

/** The child elements of a structure: every member bound to the body, in model order. */
export function writeXmlMembers(model: ServiceModel, shape: Shape, obj: Record<string, unknown>): string {
  let out = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.location || ref.xmlAttribute) continue;
    const v = obj[name];
    if (v === undefined || v === null) continue;
    out += writeXmlElement(model, ref.locationName ?? name, ref, model.shape(ref.shape), v);
  }
  return out;
}

/** A structure as a whole document: `<root xmlns=...>members</root>`; the shape's own namespace wins. */
export function writeXmlDocument(model: ServiceModel, root: string, shape: Shape, obj: Record<string, unknown>, ns?: XmlNamespace): string {
  const nsText = namespaceAttr(shape.xmlNamespace ?? ns);
  return `<${root}${nsText}${attributesOf(model, shape, obj, nsText)}>${writeXmlMembers(model, shape, obj)}</${root}>`;
}

/** One element of a parsed document: local name (prefix dropped), attributes as written, children, text. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
});

type Ordered = Record<string, unknown>;

function toNode(entry: Ordered): XmlNode | undefined {
  const tag = Object.keys(entry).find((k) => k !== ':@');
  if (!tag || tag === '#text' || tag.startsWith('?') || tag.startsWith('!')) return undefined;
  const node: XmlNode = { name: tag.slice(tag.indexOf(':') + 1), attrs: (entry[':@'] as Record<string, string>) ?? {}, children: [], text: '' };
  for (const child of entry[tag] as Ordered[]) {
    if ('#text' in child) node.text += String(child['#text']);
    else {
      const c = toNode(child);
      if (c) node.children.push(c);
    }
  }
  return node;
}

/** Parses a document to its root element; malformed XML is S3's MalformedXML error. */
export function parseXml(text: string): XmlNode {
  let parsed: Ordered[];
  try {
    parsed = parser.parse(text, true) as Ordered[];
  } catch {
    throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
  for (const entry of parsed) {
    const node = toNode(entry);
    if (node) return node;
  }
  throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
}

/** The first child element of that name. */
export function childOf(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

function groupChildren(node: XmlNode): Map<string, XmlNode[]> {
  const out = new Map<string, XmlNode[]>();
  for (const c of node.children) {
    const list = out.get(c.name);
    if (list) list.push(c);
    else out.set(c.name, [c]);
  }
  return out;
}

/** The members of a structure element that the body carries (location-bound ones are read elsewhere). */
export function readXmlStructure(model: ServiceModel, shape: Shape, node: XmlNode): Record<string, unknown> {
  const byName = groupChildren(node);
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.location) continue;
    const mshape = model.shape(ref.shape);
    const key = ref.locationName ?? name;
    if (ref.xmlAttribute) {
      if (node.attrs[key] !== undefined) out[name] = readScalar(mshape, node.attrs[key], name);
      continue;
    }
    const found = byName.get(key);
    if (!found) continue;
    if (ref.flattened || mshape.flattened) {
      out[name] = mshape.type === 'list'
        ? found.map((el) => readXmlNode(model, model.shape(mshape.member!.shape), el))
        : found.reduce((m, el) => readMapEntry(model, mshape, el, m), {} as Record<string, unknown>);
    } else {
      out[name] = readXmlNode(model, mshape, found[found.length - 1]);
    }
  }
  return out;
}

/** One `<entry><key/><value/></entry>` (or a flattened map's element) into `out`. */
function readMapEntry(model: ServiceModel, shape: Shape, entry: XmlNode, out: Record<string, unknown>): Record<string, unknown> {
  const k = childOf(entry, shape.key!.locationName ?? 'key');
  const v = childOf(entry, shape.value!.locationName ?? 'value');
  if (k) putEntry(out, k.text, v ? readXmlNode(model, model.shape(shape.value!.shape), v) : '');
  return out;
}

/** A parsed element → a value of `shape` (request bodies on the server, answers on the client). */
export function readXmlNode(model: ServiceModel, shape: Shape, node: XmlNode): unknown {
  switch (shape.type) {
    case 'structure':
      return readXmlStructure(model, shape, node);
    case 'list':
      return node.children.map((c) => readXmlNode(model, model.shape(shape.member!.shape), c));
    case 'map':
      return node.children.reduce((m, entry) => readMapEntry(model, shape, entry, m), {} as Record<string, unknown>);
    default:
      return readScalar(shape, node.text, node.name);
  }
}

const SPECIAL_FLOATS = new Set(['NaN', 'Infinity', '-Infinity']);

/** Text (from XML, a header, a query string or a form field) → a scalar of `shape`. */
export function readScalar(shape: Shape, text: string, path = ''): unknown {
  switch (shape.type) {
    case 'integer': case 'long': case 'float': case 'double': {
      const n = Number(text);
      const special = (shape.type === 'float' || shape.type === 'double') && SPECIAL_FLOATS.has(text);
      if (!special && (text.trim() === '' || Number.isNaN(n))) throw new AwsError('ValidationError', `Value '${text}' at '${path}' failed to satisfy constraint: Member must be a number`);
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
