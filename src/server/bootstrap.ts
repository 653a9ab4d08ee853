// First start: creates the default account and its administrator, and writes their credentials in
// AWS CLI format (<data dir>/credentials, profile `chattrail`, mode 0600) for `chattrail aws` and
// any AWS SDK. The secret is shown once on the console and kept only in that file.
import fs from 'node:fs';
import path from 'node:path';
import type { IdentityStore } from '../services/iam/store.js';
import type { Clock, Ids } from '../services/types.js';
import { createAccount, type AdminCredentials } from '../services/iam/accounts.js';

export const PROFILE = 'chattrail';

export function credentialsFile(dataDir: string): string {
  return path.join(dataDir, 'credentials');
}

export function configFile(dataDir: string): string {
  return path.join(dataDir, 'config');
}

/** Appends a profile to the credentials file (created 0600). */
export function writeProfile(dataDir: string, profile: string, creds: AdminCredentials, region: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const block = `[${profile}]\naws_access_key_id = ${creds.accessKeyId}\naws_secret_access_key = ${creds.secretAccessKey}\n# account ${creds.accountId}, IAM user ${creds.userName}\n\n`;
  fs.appendFileSync(credentialsFile(dataDir), block, { mode: 0o600 });
  fs.chmodSync(credentialsFile(dataDir), 0o600);
  const cfgName = profile === 'default' ? 'default' : `profile ${profile}`;
  fs.appendFileSync(configFile(dataDir), `[${cfgName}]\nregion = ${region}\noutput = json\n\n`, { mode: 0o600 });
}

/** Returns the new administrator's credentials on first start, undefined when already set up. */
export async function ensureDefaultAccount(identity: IdentityStore, ids: Ids, clock: Clock, dataDir: string, region: string): Promise<AdminCredentials | undefined> {
  if ((await identity.listAccounts()).length > 0) return undefined;
  const creds = await createAccount(identity, ids, clock, 'default');
  writeProfile(dataDir, PROFILE, creds, region);
  return creds;
}
