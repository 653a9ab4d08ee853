// The RSA key pairs that sign digest files, one per region as in CloudTrail: generated on first
// use, the private half sealed at rest, rotated yearly; ListPublicKeys serves the public halves.
import crypto from 'node:crypto';
import type { DocumentStore } from '../../../storage/documents.js';
import type { SecretBox } from '../../../storage/secrets.js';
import type { Clock } from '../../../common/runtime.js';

const KIND = 'cloudtrail-signing-key';
const KEY_LIFETIME_MS = 365 * 86_400_000;

interface KeyDoc {
  fingerprint: string;
  /** DER PKCS#1 RSAPublicKey, base64. */
  publicKey: string;
  sealedPrivateKey: string;
  validFrom: Date;
  validTo: Date;
}

export interface PublicKeyInfo { fingerprint: string; publicKeyDer: Buffer; validFrom: Date; validTo: Date }

export interface SigningKey {
  fingerprint: string;
  sign(data: string): string;
}

/** What validate-logs compares against digestPublicKeyFingerprint: hex MD5 of the DER public key. */
export function fingerprintOf(der: Buffer): string {
  return crypto.createHash('md5').update(der).digest('hex');
}

export class SigningKeys {
  private readonly cache = new Map<string, { doc: KeyDoc; key: crypto.KeyObject }>();

  constructor(private readonly documents: DocumentStore, private readonly box: SecretBox, private readonly clock: Clock) {}

  /** The region's current key, created when there is none (or the last one expired). */
  async current(region: string): Promise<SigningKey> {
    const now = this.clock.now();
    let entry = this.cache.get(region);
    if (!entry || entry.doc.validTo <= now) {
      const docs = await this.documents.list<KeyDoc>(KIND, 'aws', region);
      const live = docs.map((d) => d.doc).filter((d) => d.validTo > now).sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime())[0];
      const doc = live ?? await this.create(region, now);
      entry = { doc, key: crypto.createPrivateKey(this.box.open(doc.sealedPrivateKey)) };
      this.cache.set(region, entry);
    }
    const { doc, key } = entry;
    return { fingerprint: doc.fingerprint, sign: (data) => crypto.sign('sha256', Buffer.from(data, 'utf8'), key).toString('hex') };
  }

  /** Keys of a region valid at some point in [start, end]. */
  async list(region: string, start: Date, end: Date): Promise<PublicKeyInfo[]> {
    const docs = await this.documents.list<KeyDoc>(KIND, 'aws', region);
    return docs.map((d) => d.doc)
      .filter((d) => d.validFrom <= end && d.validTo >= start)
      .sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime())
      .map((d) => ({ fingerprint: d.fingerprint, publicKeyDer: Buffer.from(d.publicKey, 'base64'), validFrom: d.validFrom, validTo: d.validTo }));
  }

  private async create(region: string, now: Date): Promise<KeyDoc> {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'pkcs1', format: 'der' });
    const doc: KeyDoc = {
      fingerprint: fingerprintOf(der),
      publicKey: der.toString('base64'),
      sealedPrivateKey: this.box.seal(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      validFrom: now,
      validTo: new Date(now.getTime() + KEY_LIFETIME_MS),
    };
    // Ids sort by creation time; a concurrent creator simply adds a second valid key.
    await this.documents.create({ kind: KIND, accountId: 'aws', region, id: `${now.toISOString()}-${doc.fingerprint}` }, doc);
    return doc;
  }
}
