import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFile, credentialsFile, existingProfile, writeProfile } from './bootstrap.js';
import { loadConfig } from '../common/config.js';

const creds = (accountId: string, key: string) => ({ accountId, userName: 'admin', accessKeyId: key, secretAccessKey: `${key}-secret` });

test('writing a profile again replaces it: the files stay parseable by the AWS CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profiles-'));
  writeProfile(dir, 'chattrail', creds('111111111111', 'AKIAONE'), 'us-east-1');
  writeProfile(dir, 'chattrail-staging', creds('222222222222', 'AKIATWO'), 'us-east-1');
  writeProfile(dir, 'chattrail', creds('333333333333', 'AKIATHREE'), 'eu-west-1');
  const text = fs.readFileSync(credentialsFile(dir), 'utf8');
  assert.equal(text.match(/^\[chattrail\]$/gm)?.length, 1);
  assert.match(existingProfile(dir, 'chattrail') ?? '', /AKIATHREE/);
  assert.match(existingProfile(dir, 'chattrail-staging') ?? '', /AKIATWO/);
  const config = fs.readFileSync(configFile(dir), 'utf8');
  assert.equal(config.match(/^\[profile chattrail\]$/gm)?.length, 1);
  assert.match(config, /\[profile chattrail\]\nregion = eu-west-1/);
  assert.equal(fs.statSync(credentialsFile(dir)).mode & 0o777, 0o600);
  // The AWS CLI's own parser reads both files.
  const out = JSON.parse(pythonOutput(`import configparser, json; c = configparser.ConfigParser(); c.read(${JSON.stringify(credentialsFile(dir))}); print(json.dumps({s: dict(c[s]) for s in c.sections()}))`)) as Record<string, Record<string, string>>;
  assert.equal(out.chattrail.aws_access_key_id, 'AKIATHREE');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('unknown flags are refused, known ones parsed in both spellings', () => {
  assert.throws(() => loadConfig(['--prot', '4568'], {}), /unknown argument '--prot'/);
  assert.throws(() => loadConfig(['4568'], {}), /unknown argument '4568'/);
  const c = loadConfig(['--port', '4568', '--log-level=debug', '--durability', 'full'], {});
  assert.equal(c.port, 4568);
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.durability, 'full');
});

function pythonOutput(script: string): string {
  return execFileSync('python3', ['-c', script], { encoding: 'utf8' });
}
