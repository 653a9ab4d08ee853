import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CERT_FILE, KEY_FILE, SnsSigner, stringToSign } from './signing.js';

test('stringToSign follows SNS field order and skips an absent Subject', () => {
  const base = { Type: 'Notification', MessageId: 'm1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'hi', Timestamp: '2024-01-01T00:00:00.000Z' };
  assert.equal(stringToSign(base), 'Message\nhi\nMessageId\nm1\nTimestamp\n2024-01-01T00:00:00.000Z\nTopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n');
  assert.match(stringToSign({ ...base, Subject: 'S' }), /^Message\nhi\nMessageId\nm1\nSubject\nS\nTimestamp\n/);
  const conf = stringToSign({ Type: 'SubscriptionConfirmation', MessageId: 'm', Token: 'tok', TopicArn: 'a', Message: 'x', SubscribeURL: 'u', Timestamp: 't' });
  assert.equal(conf, 'Message\nx\nMessageId\nm\nSubscribeURL\nu\nTimestamp\nt\nToken\ntok\nTopicArn\na\nType\nSubscriptionConfirmation\n');
  assert.throws(() => stringToSign({ Type: 'Other' }));
});

test('the key is created 0600, kept across loads, and its certificate verifies signatures', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sns-signing-'));
  try {
    const now = new Date('2025-03-01T00:00:00Z');
    const a = await SnsSigner.load(dir, now);
    assert.equal(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777, 0o600);
    const cert = new crypto.X509Certificate(a.certificatePem);
    assert.ok(cert.verify(cert.publicKey), 'self-signed certificate verifies with its own key');
    assert.ok(new Date(cert.validTo) > now && new Date(cert.validFrom) < now);
    const msg = { Type: 'Notification', MessageId: 'id', TopicArn: 'arn', Message: 'body', Timestamp: 'ts' };
    for (const [v, alg] of [['2', 'sha256'], ['1', 'sha1']] as const) {
      const sig = Buffer.from(a.sign(msg, v), 'base64');
      assert.ok(crypto.verify(alg, Buffer.from(stringToSign(msg)), cert.publicKey, sig));
      assert.ok(!crypto.verify(alg, Buffer.from(stringToSign({ ...msg, Message: 'tampered' })), cert.publicKey, sig));
    }
    const b = await SnsSigner.load(dir, now);
    assert.equal(b.certificatePem, a.certificatePem, 'second load reuses key and certificate');
    // A certificate that does not match the key is reissued.
    fs.writeFileSync(path.join(dir, CERT_FILE), 'garbage');
    const c = await SnsSigner.load(dir, now);
    assert.ok(new crypto.X509Certificate(c.certificatePem).publicKey.export({ type: 'spki', format: 'der' })
      .equals(cert.publicKey.export({ type: 'spki', format: 'der' })));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
