// First start: creates the default account and its administrator, and writes their credentials in
// AWS CLI format (<data dir>/credentials, profile `chattrail`, mode 0600) for `chattrail aws` and
// any AWS SDK. The secret is shown once on the console and kept only in that file.
import fs from 'node:fs';
import path from 'node:path';
import type { IdentityStore } from '../identity/store.js';
import type { Clock, Ids } from '../common/runtime.js';
import { createAccount, type AdminCredentials } from '../identity/accounts.js';

export const PROFILE = 'chattrail';

export function credentialsFile(dataDir: string): string {
  return path.join(dataDir, 'credentials');
}

export function configFile(dataDir: string): string {
  return path.join(dataDir, 'config');
}

/** The sections of an INI file, in order; text before the first section is kept under ''. */
function sectionsOf(text: string): { name: string; body: string }[] {
  const out: { name: string; body: string }[] = [];
  for (const line of text.split('\n')) {
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) out.push({ name: header[1].trim(), body: `${line}\n` });
    else if (out.length) out[out.length - 1].body += `${line}\n`;
    else if (line.trim()) out.push({ name: '', body: `${line}\n` });
  }
  return out;
}

/** Writes (or replaces) one section of an AWS CLI file, mode 0600. */
function putSection(file: string, name: string, body: string): void {
  const current = fs.existsSync(file) ? sectionsOf(fs.readFileSync(file, 'utf8')).filter((s) => s.name !== name) : [];
  const text = [...current.map((s) => s.body.replace(/\n+$/, '\n')), `[${name}]\n${body}`].join('\n');
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** The profile's block in the credentials file, if it is there. */
export function existingProfile(dataDir: string, profile: string): string | undefined {
  const file = credentialsFile(dataDir);
  if (!fs.existsSync(file)) return undefined;
  return sectionsOf(fs.readFileSync(file, 'utf8')).find((s) => s.name === profile)?.body;
}

/** Writes a profile to the credentials and config files (0600), replacing one of the same name. */
export function writeProfile(dataDir: string, profile: string, creds: AdminCredentials, region: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  putSection(credentialsFile(dataDir), profile,
    `aws_access_key_id = ${creds.accessKeyId}\naws_secret_access_key = ${creds.secretAccessKey}\n# account ${creds.accountId}, IAM user ${creds.userName}\n`);
  putSection(configFile(dataDir), profile === 'default' ? 'default' : `profile ${profile}`, `region = ${region}\noutput = json\n`);
}

/** Returns the new administrator's credentials on first start, undefined when already set up. */
export async function ensureDefaultAccount(identity: IdentityStore, ids: Ids, clock: Clock, dataDir: string, region: string): Promise<AdminCredentials | undefined> {
  if ((await identity.listAccounts()).length > 0) return undefined;
  const creds = await createAccount(identity, ids, clock, 'default');
  // A data folder used before with another database (SQLite, then PostgreSQL) already holds a
  // `chattrail` profile for an account this database does not have: keep it under its account id.
  const previous = existingProfile(dataDir, PROFILE);
  const previousAccount = previous && /# account (\d{12})/.exec(previous)?.[1];
  if (previous && previousAccount) {
    const keyId = /aws_access_key_id = (\S+)/.exec(previous)?.[1];
    const secret = /aws_secret_access_key = (\S+)/.exec(previous)?.[1];
    if (keyId && secret) writeProfile(dataDir, `${PROFILE}-${previousAccount}`, { accountId: previousAccount, userName: 'admin', accessKeyId: keyId, secretAccessKey: secret }, region);
  }
  writeProfile(dataDir, PROFILE, creds, region);
  return creds;
}
