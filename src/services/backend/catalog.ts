// The services a backend emulator may serve (issue 11), as models/backend-index.json lists them
// (written by `npm run vendor-models` from the vendored models): enough to route a request and to
// name its IAM actions and records without loading the service's model.
import fs from 'node:fs';
import path from 'node:path';
import { modelsDir } from '../../common/paths.js';
import type { Protocol } from '../../protocol/model.js';

export interface CatalogEntry {
  /** The model's folder name under models/, as the CLI names the service. */
  name: string;
  apiVersion: string;
  serviceId: string;
  signingName: string;
  endpointPrefix: string;
  targetPrefix?: string;
  /** Every protocol the model lists; chattrail answers a client in whichever it speaks. */
  protocols: Protocol[];
  /** The one chattrail speaks to the backend (botocore's preference, less CBOR). */
  backendProtocol: Protocol;
  /** The IAM action prefix (`cloudwatch` for the service that signs as `monitoring`). */
  iamPrefix: string;
  /** The records' eventSource (`monitoring.amazonaws.com`). */
  eventSource: string;
  /** A global service (one endpoint for every region). */
  global?: boolean;
}

export interface Catalog {
  /** The moto version the models were chosen by. */
  moto: string;
  entries: CatalogEntry[];
  byName(name: string): CatalogEntry | undefined;
}

/**
 * Where a signing name is shared by services of this catalog and no target header tells them
 * apart, the one a request goes to: the current API of each family.
 */
const PREFERRED = new Set(['elbv2', 'rds', 'ses', 'es', 'apigateway', 'sagemaker', 'kinesisvideo', 'mediastore', 'timestream-write', 'bedrock']);

let cached: Catalog | undefined;

export function loadCatalog(): Catalog {
  if (cached) return cached;
  const raw = JSON.parse(fs.readFileSync(path.join(modelsDir, 'backend-index.json'), 'utf8')) as {
    moto: string;
    services: Record<string, Omit<CatalogEntry, 'name'>>;
  };
  const entries = Object.entries(raw.services).map(([name, e]) => ({ name, ...e }));
  const byName = new Map(entries.map((e) => [e.name, e]));
  cached = { moto: raw.moto, entries, byName: (n) => byName.get(n) };
  return cached;
}

/** Whether the service is the one chosen among those sharing its signing name. */
export function isPreferred(entry: CatalogEntry): boolean {
  return PREFERRED.has(entry.name);
}
