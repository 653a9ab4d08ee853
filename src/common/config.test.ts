import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.js';

test('private endpoints are refused unless the operator allows them', () => {
  assert.deepEqual(loadConfig([], {}).allowPrivateEndpoints, []);
  assert.deepEqual(loadConfig([], { CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: '' }).allowPrivateEndpoints, []);
  assert.deepEqual(loadConfig([], { CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: 'false' }).allowPrivateEndpoints, []);
  assert.equal(loadConfig([], { CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: 'true' }).allowPrivateEndpoints, true);
  assert.deepEqual(loadConfig([], { CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8, 10.1.0.0/16' }).allowPrivateEndpoints, ['127.0.0.0/8', '10.1.0.0/16']);
  assert.throws(() => loadConfig([], { CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: 'yes' }), /CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS must be/);
});

test('no proxy is trusted by default; a bad block stops start-up', () => {
  assert.deepEqual(loadConfig([], {}).trustedProxies, []);
  assert.deepEqual(loadConfig([], { CHATTRAIL_TRUSTED_PROXIES: '10.0.0.0/8,::1' }).trustedProxies, ['10.0.0.0/8', '::1/128']);
  assert.throws(() => loadConfig([], { CHATTRAIL_TRUSTED_PROXIES: '10.0.0.0/40' }), /CHATTRAIL_TRUSTED_PROXIES must be/);
});
