// Loads the vendored botocore service models (models/<svc>/service-2.json.gz) and gives typed,
// indexed access to their operations and shapes. Everything on the wire is driven from here.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { modelsDir } from '../common/paths.js';

export type Protocol = 'json' | 'query' | 'rest-json' | 'rest-xml' | 'ec2' | 'smithy-rpc-v2-cbor';

/** A model's xmlNamespace: a bare URI, or a URI with the prefix it is declared under. */
export type XmlNamespace = string | { uri: string; prefix?: string };

export interface MemberRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  flattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: XmlNamespace;
  timestampFormat?: TimestampFormat;
  queryName?: string;
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
  hostLabel?: boolean;
  streaming?: boolean;
}

export type TimestampFormat = 'iso8601' | 'unixTimestamp' | 'rfc822';

export interface Shape {
  type:
    | 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean'
    | 'timestamp' | 'blob' | 'float' | 'double';
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  exception?: boolean;
  fault?: boolean;
  timestampFormat?: TimestampFormat;
  flattened?: boolean;
  locationName?: string;
  xmlNamespace?: XmlNamespace;
  payload?: string;
  document?: boolean;
  union?: boolean;
  streaming?: boolean;
  sensitive?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string; locationName?: string; xmlNamespace?: XmlNamespace };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
  deprecated?: boolean;
  /** A host prefix the client prepends to the endpoint (`foo.{label}.`), labels from hostLabel members. */
  endpoint?: { hostPrefix?: string };
  /** The request must carry a checksum of its body (a client sends Content-MD5). */
  httpChecksumRequired?: boolean;
  httpChecksum?: { requestChecksumRequired?: boolean };
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: Protocol;
  protocols?: Protocol[];
  serviceId: string;
  signingName?: string;
  targetPrefix?: string;
  jsonVersion?: string;
  xmlNamespace?: string;
  globalEndpoint?: string;
  /** A former query service now on json or CBOR: errors also carry their query code (x-amzn-query-error). */
  awsQueryCompatible?: Record<string, unknown>;
}

/** A botocore service description as JSON: what `loadModel` reads from disk, or a test builds in memory. */
export interface RawModel {
  metadata: ServiceMetadata;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** A parsed path template such as `/2015-03-31/functions/{FunctionName}/configuration`. */
export interface UriTemplate {
  method: string;
  segments: { literal?: string; label?: string; greedy?: boolean }[];
  query: Record<string, string>; // fixed query parameters in the template, e.g. `?tagging`
  operation: Operation;
}

export class ServiceModel {
  readonly metadata: ServiceMetadata;
  readonly operations: ReadonlyMap<string, Operation>;
  readonly shapes: Readonly<Record<string, Shape>>;
  /** Rest protocols: templates to route a method+path to an operation, most specific first. */
  readonly uriTemplates: readonly UriTemplate[];
  /** The name the IAM action prefix and SigV4 scope use (`sts`, `cloudtrail`, `s3`, ...). */
  readonly signingName: string;
  /** Every error code an operation may return, mapped to its declared HTTP status. */
  private readonly errorStatus = new Map<string, number>();
  private readonly errorShapes = new Map<string, string>();

  constructor(readonly name: string, raw: RawModel) {
    this.metadata = raw.metadata;
    this.shapes = raw.shapes;
    this.operations = new Map(Object.entries(raw.operations).map(([k, v]) => [k, { ...v, name: k }]));
    this.signingName = raw.metadata.signingName ?? raw.metadata.endpointPrefix;
    this.uriTemplates = buildUriTemplates([...this.operations.values()]);
    for (const [shapeName, shape] of Object.entries(raw.shapes)) {
      if (shape.exception || shape.error) {
        const code = shape.error?.code ?? shapeName;
        const status = shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400);
        this.errorStatus.set(code, status);
        this.errorStatus.set(shapeName, status);
        this.errorShapes.set(code, shapeName);
      }
    }
  }

  shape(name: string): Shape {
    const s = this.shapes[name];
    if (!s) throw new Error(`model ${this.name}: no shape ${name}`);
    return s;
  }

  operation(name: string): Operation | undefined {
    return this.operations.get(name);
  }

  /** The HTTP status the model declares for an error code, if any shape declares it. */
  statusOfError(code: string): number | undefined {
    return this.errorStatus.get(code);
  }

  /** The shape that declares an error code (`NoSuchEntity` → `NoSuchEntityException`), else the code. */
  errorShapeName(code: string): string {
    return this.errorShapes.get(code) ?? code;
  }

  /** The wire code of an error shape (query errors may rename: `NoSuchEntityException` → `NoSuchEntity`). */
  codeOfErrorShape(shapeName: string): string {
    return this.shapes[shapeName]?.error?.code ?? shapeName;
  }

  /** Adds operations and shapes of our own (e.g. the Chatbot console APIs) to this model. */
  static withExtension(base: ServiceModel, ext: { operations: Record<string, Operation>; shapes: Record<string, Shape> }): ServiceModel {
    const ops: Record<string, Operation> = {};
    for (const [k, v] of base.operations) ops[k] = v;
    Object.assign(ops, ext.operations);
    return new ServiceModel(base.name, { metadata: base.metadata, operations: ops, shapes: { ...base.shapes, ...ext.shapes } });
  }
}

function buildUriTemplates(ops: Operation[]): UriTemplate[] {
  const templates = ops.filter((op) => op.http?.requestUri).map((op): UriTemplate => {
    const [pathPart, queryPart] = op.http.requestUri.split('?');
    const segments = pathPart.split('/').filter((s, i) => i > 0 || s !== '').slice(0).map((seg) => {
      const m = /^\{([^}+]+)(\+)?\}$/.exec(seg);
      return m ? { label: m[1], greedy: m[2] === '+' } : { literal: seg };
    });
    const query: Record<string, string> = {};
    if (queryPart) for (const kv of queryPart.split('&')) {
      const [k, v] = kv.split('=');
      query[k] = v ?? '';
    }
    return { method: op.http.method, segments, query, operation: op };
  });
  // More literal segments and more fixed query parameters first, so `/{Bucket}?policy` beats `/{Bucket}`.
  const score = (t: UriTemplate) =>
    t.segments.filter((s) => s.literal !== undefined && s.literal !== '').length * 100 +
    Object.keys(t.query).length * 10 - (t.segments.some((s) => s.greedy) ? 1 : 0) + t.segments.length;
  return templates.sort((a, b) => score(b) - score(a));
}

/** A model from a description held in memory (the protocol compliance suites carry their own). */
export function modelFromDescription(name: string, raw: RawModel): ServiceModel {
  return new ServiceModel(name, raw);
}

const cache = new Map<string, ServiceModel>();

/** Loads a vendored model by its folder name (`sts`, `cloudtrail`, ...); cached for the process. */
export function loadModel(name: string): ServiceModel {
  let model = cache.get(name);
  if (!model) {
    const file = path.join(modelsDir, name, 'service-2.json.gz');
    const raw = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as RawModel;
    model = new ServiceModel(name, raw);
    cache.set(name, model);
  }
  return model;
}

/** The regions of the `aws` partition, from botocore's endpoints.json. */
export function partitionRegions(): string[] {
  const raw = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(modelsDir, 'endpoints.json.gz'))).toString('utf8')) as {
    partitions: { partition: string; regions: Record<string, unknown> }[];
  };
  const aws = raw.partitions.find((p) => p.partition === 'aws');
  return Object.keys(aws?.regions ?? {}).sort();
}

/** Every service name the AWS CLI knows (models/aws-services.json, from botocore), served here or not. */
export function awsServiceNames(): string[] {
  return JSON.parse(fs.readFileSync(path.join(modelsDir, 'aws-services.json'), 'utf8')) as string[];
}
