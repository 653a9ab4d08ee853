// How SNS signs the messages it delivers: an RSA key pair per deployment, kept in the data folder
// (private key 0600), a self-signed certificate served at SigningCertURL, and the canonical
// "Name\nvalue\n" string over the fields SNS documents for each message type.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { selfSignedCertificate } from './x509.js';

export const KEY_FILE = 'sns-signing-key.pem';
export const CERT_FILE = 'sns-signing-cert.pem';

/** The fields a message type signs, in SNS's documented (alphabetical) order. */
const SIGNED_FIELDS: Record<string, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The canonical string SNS signs; optional fields (Subject) are left out when absent. */
export function stringToSign(message: Record<string, unknown>): string {
  const fields = SIGNED_FIELDS[String(message.Type)];
  if (!fields) throw new Error(`no signing rule for message type ${String(message.Type)}`);
  let out = '';
  for (const f of fields) {
    const v = message[f];
    if (typeof v === 'string') out += `${f}\n${v}\n`;
  }
  return out;
}

export class SnsSigner {
  private constructor(private readonly key: crypto.KeyObject, readonly certificatePem: string) {}

  /** Loads the deployment's key and certificate, creating them on first use. */
  static async load(dataDir: string, now: Date): Promise<SnsSigner> {
    fs.mkdirSync(dataDir, { recursive: true });
    const keyPath = path.join(dataDir, KEY_FILE);
    const certPath = path.join(dataDir, CERT_FILE);
    let keyPem = readIfExists(keyPath);
    if (keyPem === undefined) {
      const pair = await new Promise<crypto.KeyObject>((resolve, reject) => {
        crypto.generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, priv) => (err ? reject(err) : resolve(priv)));
      });
      keyPem = pair.export({ type: 'pkcs8', format: 'pem' }).toString();
      try {
        fs.writeFileSync(keyPath, keyPem, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        // Another start raced us to it: use the key that won.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        keyPem = fs.readFileSync(keyPath, 'utf8');
      }
    }
    fs.chmodSync(keyPath, 0o600);
    const key = crypto.createPrivateKey(keyPem);
    let certPem = readIfExists(certPath);
    if (certPem === undefined || !certificateMatches(certPem, key)) {
      certPem = selfSignedCertificate(key, crypto.createPublicKey(key), {
        commonName: 'sns.amazonaws.com (chattrail)', organization: 'chattrail',
        notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
        serial: crypto.randomBytes(16),
      });
      fs.writeFileSync(certPath, certPem, { mode: 0o644 });
    }
    return new SnsSigner(key, certPem);
  }

  /** The Signature field: base64 SHA256withRSA (SignatureVersion 2) or SHA1withRSA (1). */
  sign(message: Record<string, unknown>, signatureVersion: '1' | '2'): string {
    const algorithm = signatureVersion === '1' ? 'sha1' : 'sha256';
    return crypto.sign(algorithm, Buffer.from(stringToSign(message), 'utf8'), this.key).toString('base64');
  }
}

function readIfExists(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A certificate left from an earlier key (the key file was replaced) must be reissued. */
function certificateMatches(certPem: string, key: crypto.KeyObject): boolean {
  try {
    const cert = new crypto.X509Certificate(certPem);
    const mine = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
    return cert.publicKey.export({ type: 'spki', format: 'der' }).equals(mine);
  } catch {
    return false;
  }
}
