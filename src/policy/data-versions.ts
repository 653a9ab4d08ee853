// The versions of the AWS data chattrail ships (`chattrail --version`): the AWS managed policies
// package and the vendored botocore models.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANAGED_POLICIES, MANAGED_POLICIES_SOURCE } from './managed.js';

export function dataVersions(): { name: string; version: string }[] {
  const modelsVersion = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models', 'VERSION');
  const models = fs.existsSync(modelsVersion) ? fs.readFileSync(modelsVersion, 'utf8').trim() : 'unknown';
  return [
    { name: 'AWS managed policies:', version: `${MANAGED_POLICIES_SOURCE.name} ${MANAGED_POLICIES_SOURCE.version} (${MANAGED_POLICIES.size} policies)` },
    { name: 'AWS API models:', version: models },
  ];
}
