// AWS's protocol compliance suites (botocore's copy of Smithy's tests, ../shared/data/aws-protocol-tests)
// run against both sides of every protocol: each input case's request parsed by the server and
// produced by the client, each output case's answer parsed by the client and its result (or error)
// serialized by the server and read back. Counts per protocol and direction are printed at the end.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { decode } from 'cbor2';
import { projectRoot } from '../common/paths.js';
import { modelFromDescription, type Operation, type Protocol, type RawModel, type ServiceMetadata, type ServiceModel, type Shape } from './model.js';
import { parseRequest, serializeError, serializeResponse } from './codec.js';
import { parseResponse, serializeRequest } from './client.js';
import { AwsError } from './errors.js';
import { parseXml, type XmlNode } from './xml.js';
import { errorShapeOf, type ClientResponse } from './wire.js';

const SUITES = path.join(projectRoot, '..', 'shared', 'data', 'aws-protocol-tests');

interface Case {
  id: string;
  given: Operation;
  params?: Record<string, unknown>;
  serialized?: { method: string; uri: string; body?: string; headers?: Record<string, string>; host?: string; forbidHeaders?: string[]; requireHeaders?: string[] };
  result?: Record<string, unknown>;
  response?: { status_code: number; headers?: Record<string, string>; body?: string };
  error?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string | null;
}
interface Suite { description: string; metadata: ServiceMetadata; shapes: RawModel['shapes']; clientEndpoint?: string; cases: Case[] }
type Direction = 'input' | 'output';
type Side = 'server parses request' | 'client serializes request' | 'client parses answer' | 'server answer, read back';
type IgnoreList = {
  general: Record<Direction, { suites: string[] }>;
  protocols: Record<string, Partial<Record<Direction, { cases: string[] }>>>;
};

/** The server fills an @httpQueryParams map with every parameter, as restJson1's server cases want. */
const QUERY_MAP = 'client-only: expects the @httpQueryParams map without the @httpQuery-bound keys, which restJson1 server cases put in it';

/**
 * Our own skips, one line of reason each: cases whose expectation this side cannot meet. Cases on
 * botocore's ignore list are still run; those that pass count, those that fail are reported skipped.
 */
const OWN_SKIPS: Partial<Record<Side, Record<string, string>>> = {
  'server parses request': {
    AwsJson10EndpointTrait: 'the case gives no X-Amz-Target (it checks the host prefix only): nothing to route by',
    AwsJson10EndpointTraitWithHostLabel: 'the case gives no X-Amz-Target (it checks the host prefix only): nothing to route by',
    RestJsonQueryParamsStringListMap: QUERY_MAP,
    RestXmlQueryParamsStringListMap: QUERY_MAP,
    AllQueryStringTypes: QUERY_MAP,
    RestXmlQueryStringEscaping: QUERY_MAP,
    RestXmlSupportsNaNFloatQueryValues: QUERY_MAP,
    RestXmlSupportsInfinityFloatQueryValues: QUERY_MAP,
    RestXmlSupportsNegativeInfinityFloatQueryValues: QUERY_MAP,
    RestXmlZeroAndFalseQueryValues: QUERY_MAP,
  },
  'server answer, read back': {
    HttpPrefixHeadersResponse: 'a map of every answer header (prefix "") also holds the server\'s own Content-Type and request id',
  },
};

const present = fs.existsSync(path.join(SUITES, 'protocol-tests-ignore-list.json'));
const ignoreList: IgnoreList = present
  ? JSON.parse(fs.readFileSync(path.join(SUITES, 'protocol-tests-ignore-list.json'), 'utf8')) as IgnoreList
  : { general: { input: { suites: [] }, output: { suites: [] } }, protocols: {} };

/** Whether botocore's ignore list names the case (its suite, or the case under its protocol). */
function ignoreListed(file: string, direction: Direction, suite: Suite, c: Case): boolean {
  const key = file.replace(/-(non-)?query-compatible$/, '');
  return ignoreList.general[direction]?.suites.includes(suite.description) || (ignoreList.protocols[key]?.[direction]?.cases.includes(c.id) ?? false);
}

function protocolLabel(meta: ServiceMetadata): string {
  return meta.protocol === 'json' ? `json ${meta.jsonVersion}` : meta.protocol;
}

function modelOf(suite: Suite, c: Case): ServiceModel {
  const metadata = { ...suite.metadata, serviceId: suite.metadata.serviceId ?? 'Compliance', endpointPrefix: suite.metadata.endpointPrefix ?? 'compliance' };
  return modelFromDescription('compliance', { metadata, shapes: suite.shapes, operations: { [c.given.name]: c.given } });
}

// ---- values: the suites' JSON (epoch seconds, blobs as text, "NaN") ↔ chattrail's (Date, Buffer, NaN)

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Walks a value by its shape, converting each leaf with `leaf`; structures, lists and maps keep their form. */
function walk(model: ServiceModel, shape: Shape, v: unknown, leaf: (shape: Shape, v: unknown) => unknown, listHole: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  const inner = (s: string, x: unknown) => walk(model, model.shape(s), x, leaf, listHole);
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const ref = shape.members?.[k];
        const value = ref ? inner(ref.shape, x) : x;
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    case 'list': return (v as unknown[]).map((x) => inner(shape.member!.shape, x) ?? listHole);
    case 'map': return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, inner(shape.value!.shape, x)]));
    default: return leaf(shape, v);
  }
}

/** The suites' JSON (epoch seconds, blobs as text, "NaN") → chattrail's values (Date, Buffer, NaN). */
function fromCase(model: ServiceModel, shape: Shape, v: unknown): unknown {
  return walk(model, shape, v, (s, x) => {
    switch (s.type) {
      case 'timestamp': return new Date((x as number) * 1000);
      case 'blob': return Buffer.from(String(x), 'utf8');
      case 'float': case 'double': return typeof x === 'string' ? SPECIAL[x] : x;
      default: return x;
    }
  }, undefined);
}

/** chattrail's values → the suites' JSON. */
function toCase(model: ServiceModel, shape: Shape, v: unknown): unknown {
  return walk(model, shape, v, (s, x) => {
    switch (s.type) {
      // botocore's compliance runner reads timestamps to whole seconds.
      case 'timestamp': return Math.floor((x as Date).getTime() / 1000);
      case 'blob': return (x as Buffer).toString('utf8');
      case 'float': case 'double': {
        const n = x as number;
        if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
        return s.type === 'float' ? Math.fround(n) : n;
      }
      default: return x;
    }
  }, null);
}

/** A case's values as chattrail would hold and print them (nulls gone, floats at their width). */
function canonical(model: ServiceModel, shapeName: string | undefined, v: Record<string, unknown> | undefined): unknown {
  if (!shapeName) return {};
  const shape = model.shape(shapeName);
  return toCase(model, shape, fromCase(model, shape, v ?? {})) ?? {};
}

/**
 * What HTTP cannot tell apart is dropped on both sides: empty lists and maps bound to headers or the
 * query string, an empty raw payload, and empty collections the form protocols never send.
 */
function wireFree(model: ServiceModel, shapeName: string | undefined, v: unknown, protocol: Protocol): unknown {
  if (!shapeName || !v || typeof v !== 'object') return v;
  const shape = model.shape(shapeName);
  const out = { ...(v as Record<string, unknown>) };
  for (const [k, x] of Object.entries(out)) {
    const ref = shape.members?.[k];
    const empty = (Array.isArray(x) && !x.length) || (x !== null && typeof x === 'object' && !Array.isArray(x) && !Object.keys(x).length);
    if (ref && ref.location && ref.location !== 'uri' && empty) delete out[k];
    // An empty raw payload is an absent one; so is an empty structure payload (`{}`).
    if (ref && shape.payload === k && (x === '' || empty)) delete out[k];
  }
  return protocol === 'query' || protocol === 'ec2' ? dropEmpty(out, protocol === 'ec2') : out;
}

function dropEmpty(v: unknown, lists: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => dropEmpty(x, lists));
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const isList = Array.isArray(x);
    if ((isList && lists && !x.length) || (!isList && x && typeof x === 'object' && !Object.keys(x).length)) continue;
    out[k] = dropEmpty(x, lists);
  }
  return out;
}

// ---- requests: what HTTP leaves free (header case and order, query order, body formatting)

function bodyBytes(protocol: Protocol, body: string | undefined): Buffer {
  return protocol === 'smithy-rpc-v2-cbor' ? Buffer.from(body ?? '', 'base64') : Buffer.from(body ?? '', 'utf8');
}

function rawRequestOf(protocol: Protocol, s: NonNullable<Case['serialized']>) {
  const q = s.uri.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.headers ?? {})) headers[k.toLowerCase()] = v;
  return { method: s.method, rawPath: q < 0 ? s.uri : s.uri.slice(0, q), query: new URLSearchParams(q < 0 ? '' : s.uri.slice(q + 1)), headers, body: bodyBytes(protocol, s.body) };
}

function sortedPairs(qs: string): string[] {
  return qs.split('&').filter((p) => p !== '').sort();
}

/** An element tree with whitespace between elements dropped (text inside a leaf is kept as is). */
function xmlShape(node: XmlNode): unknown {
  return { name: node.name, attrs: node.attrs, ...(node.children.length ? { children: node.children.map(xmlShape) } : { text: node.text }) };
}

/** CBOR items as comparable JSON: byte strings as hex, dates as epoch seconds; `narrow` reads numbers at float32 width. */
function cborShape(v: unknown, narrow: boolean): unknown {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (v instanceof Date) return `date:${v.getTime() / 1000}`;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : narrow ? Math.fround(v) : v;
  if (Array.isArray(v)) return v.map((x) => cborShape(x, narrow));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, cborShape(x, narrow)]));
  return v;
}

/** Equal CBOR items; a float the other side wrote at 32 bits is compared at that width (the width is the encoder's choice). */
function assertCbor(actual: Buffer, expected: Buffer): void {
  const [a, e] = [decode(actual), decode(expected)];
  try { assert.deepEqual(cborShape(a, false), cborShape(e, false)); } catch { assert.deepEqual(cborShape(a, true), cborShape(e, true), 'CBOR body'); }
}

function assertBody(protocol: Protocol, actual: Buffer, expectedText: string | undefined, contentType: string | undefined): void {
  const expected = bodyBytes(protocol, expectedText);
  if (!expected.length || !actual.length) return assert.equal(actual.toString('utf8'), expected.toString('utf8'), 'body');
  const text = expected.toString('utf8');
  if (protocol === 'smithy-rpc-v2-cbor') return assertCbor(actual, expected);
  if (protocol === 'query' || protocol === 'ec2') return assert.deepEqual(sortedPairs(actual.toString('utf8')), sortedPairs(text), 'form body');
  if (contentType?.includes('json')) return assert.deepEqual(JSON.parse(actual.toString('utf8')), JSON.parse(text), 'JSON body');
  if (contentType?.includes('xml')) return assert.deepEqual(xmlShape(parseXml(actual.toString('utf8'))), xmlShape(parseXml(text)), 'XML body');
  assert.equal(actual.toString('utf8'), text, 'body');
}

// ---- the four directions

function serverParses(protocol: Protocol, model: ServiceModel, c: Case): void {
  const parsed = parseRequest(model, rawRequestOf(protocol, c.serialized!), protocol);
  assert.equal(parsed.op.name, c.given.name, 'operation');
  const shapeName = c.given.input?.shape;
  const actual = shapeName ? toCase(model, model.shape(shapeName), parsed.input) : {};
  assert.deepEqual(wireFree(model, shapeName, actual, protocol), wireFree(model, shapeName, canonical(model, shapeName, c.params), protocol));
}

function clientSerializes(protocol: Protocol, model: ServiceModel, c: Case, endpoint: string): void {
  const s = c.serialized!;
  const shapeName = c.given.input?.shape;
  const input = (shapeName ? fromCase(model, model.shape(shapeName), c.params ?? {}) : {}) as Record<string, unknown>;
  const req = serializeRequest(model, c.given.name, input, { endpoint, protocol });
  const url = new URL(req.url);
  const [pathPart, queryPart = ''] = s.uri.split('?');
  const rest = req.url.slice(url.origin.length);
  const q = rest.indexOf('?');
  assert.equal(req.method, s.method, 'method');
  assert.equal(q < 0 ? rest : rest.slice(0, q), pathPart, 'path');
  assert.deepEqual(sortedPairs(q < 0 ? '' : rest.slice(q + 1)), sortedPairs(queryPart), 'query string');
  if (s.host && !s.host.includes('/')) assert.equal(url.host, s.host, 'host');
  const headers = new Map(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [k, v] of Object.entries(s.headers ?? {})) {
    // A body checksum follows the body as sent, whose whitespace is free.
    const expected = k.toLowerCase() === 'content-md5' ? crypto.createHash('md5').update(req.body).digest('base64') : v;
    assert.equal(headers.get(k.toLowerCase()), expected, `header ${k}`);
  }
  for (const k of s.forbidHeaders ?? []) assert.equal(headers.has(k.toLowerCase()), false, `forbidden header ${k}`);
  // Content-Length is the sender's to add (fetch sets it from the body); every other one must be here.
  for (const k of s.requireHeaders ?? []) if (k.toLowerCase() !== 'content-length') assert.ok(headers.has(k.toLowerCase()), `required header ${k}`);
  // A case without a body says nothing about it (json's `{}` for no input is a case of its own).
  if (s.body !== undefined) assertBody(protocol, req.body, s.body, headers.get('content-type'));
}

function expectAnswer(protocol: Protocol, model: ServiceModel, c: Case, res: ClientResponse): void {
  if (c.error || c.errorCode) {
    let thrown: unknown;
    try { parseResponse(model, c.given.name, res, protocol); } catch (e) { thrown = e; }
    assert.ok(thrown instanceof AwsError, `expected the error ${c.errorCode}, got ${String(thrown)}`);
    assert.equal(thrown.code, c.errorCode, 'error code');
    if (typeof c.errorMessage === 'string') assert.equal(thrown.message, c.errorMessage, 'error message');
    const shapeName = errorShapeOf(model, c.errorCode!);
    const actual = shapeName ? toCase(model, model.shape(shapeName), thrown.members ?? {}) : {};
    assert.deepEqual(actual, canonical(model, shapeName, c.error), 'error members');
    return;
  }
  const out = parseResponse(model, c.given.name, res, protocol);
  const shapeName = c.given.output?.shape;
  const actual = shapeName ? toCase(model, model.shape(shapeName), out) : {};
  assert.deepEqual(actual, canonical(model, shapeName, c.result), 'output');
}

function clientParses(protocol: Protocol, model: ServiceModel, c: Case): void {
  const r = c.response!;
  expectAnswer(protocol, model, c, { status: r.status_code, headers: r.headers ?? {}, body: bodyBytes(protocol, r.body) });
}

function serverAnswers(protocol: Protocol, model: ServiceModel, c: Case): void {
  let raw;
  if (c.error || c.errorCode) {
    const shapeName = errorShapeOf(model, c.errorCode!);
    const members = shapeName ? fromCase(model, model.shape(shapeName), c.error ?? {}) as Record<string, unknown> : undefined;
    raw = serializeError(model, new AwsError(c.errorCode!, c.errorMessage ?? '', undefined, undefined, members), 'request-id', 'POST', protocol);
  } else {
    const shapeName = c.given.output?.shape;
    const output = shapeName ? fromCase(model, model.shape(shapeName), c.result ?? {}) as Record<string, unknown> : {};
    raw = serializeResponse(model, model.operation(c.given.name)!, output, 'request-id', 'POST', protocol);
  }
  expectAnswer(protocol, model, c, { status: raw.status, headers: raw.headers, body: raw.body });
}

// ---- the table: every file, both directions, counted

interface Tally { passed: number; passedIgnoreListed: number; skipped: Map<string, number> }
const counts = new Map<string, Tally>();

function tally(label: string, side: Side): Tally {
  const key = `${label} | ${side}`;
  const t = counts.get(key) ?? { passed: 0, passedIgnoreListed: 0, skipped: new Map<string, number>() };
  counts.set(key, t);
  return t;
}

function skip(t: Tally, reason: string): void {
  t.skipped.set(reason, (t.skipped.get(reason) ?? 0) + 1);
}

function runCase(protocol: Protocol, side: Side, suite: Suite, c: Case): void {
  const model = modelOf(suite, c);
  if (side === 'server parses request') serverParses(protocol, model, c);
  else if (side === 'client serializes request') clientSerializes(protocol, model, c, suite.clientEndpoint ?? 'https://example.com');
  else if (side === 'client parses answer') clientParses(protocol, model, c);
  else serverAnswers(protocol, model, c);
}

const SIDES: Record<Direction, Side[]> = { input: ['server parses request', 'client serializes request'], output: ['client parses answer', 'server answer, read back'] };

if (!present) test('AWS protocol compliance suites', { skip: `not found at ${SUITES}` }, () => {});

for (const direction of present ? ['input', 'output'] as const : []) {
  for (const name of fs.readdirSync(path.join(SUITES, direction)).sort()) {
    const file = name.replace(/\.json$/, '');
    const suites = JSON.parse(fs.readFileSync(path.join(SUITES, direction, name), 'utf8')) as Suite[];
    for (const side of SIDES[direction]) {
      test(`${direction}/${file}: ${side}`, () => {
        const failures: string[] = [];
        for (const suite of suites) for (const c of suite.cases) {
          const t = tally(protocolLabel(suite.metadata), side);
          const own = OWN_SKIPS[side]?.[c.id];
          if (own) { skip(t, own); continue; }
          // Cases botocore skips are still tried: one that passes counts, one that fails is skipped.
          const listed = ignoreListed(file, direction, suite, c);
          try {
            runCase(suite.metadata.protocol, side, suite, c);
            if (listed) t.passedIgnoreListed++;
            else t.passed++;
          } catch (e) {
            if (listed) skip(t, 'botocore ignore list');
            else failures.push(`- ${c.id}: ${(e instanceof Error ? e.message : String(e)).slice(0, 1500)}`);
          }
        }
        if (failures.length) assert.fail(`${failures.length} case(s) failed:\n${failures.join('\n')}`);
      });
    }
  }
}

after(() => {
  const lines = [...counts.entries()].sort().map(([key, t]) => {
    const listed = t.passedIgnoreListed ? ` (+${t.passedIgnoreListed} on botocore's ignore list)` : '';
    const skips = [...t.skipped.entries()].map(([why, n]) => `${n} skipped: ${why}`).join('; ');
    return `  ${key}: ${t.passed + t.passedIgnoreListed} passed${listed}${skips ? `, ${skips}` : ''}`;
  });
  console.log(`AWS protocol compliance (per protocol | direction):\n${lines.join('\n')}`);
});
