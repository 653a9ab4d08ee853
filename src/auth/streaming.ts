// Signed aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]): every chunk carries a
// signature chained from the seed signature of the headers, and the trailer one more, so the body
// is bound to the signature although it was not hashed up front.
import crypto from 'node:crypto';
import type { ChunkVerifier } from '../protocol/payload.js';
import { sha256Hex, signingKey, type SignatureScope } from './sigv4.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The verifier for a signed streaming payload; undefined for any other payload hash. */
export function chunkVerifier(scope: SignatureScope, secretAccessKey: string, payloadHash: string): ChunkVerifier | undefined {
  if (!payloadHash.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')) return undefined;
  const key = signingKey(secretAccessKey, scope);
  const prefix = `${scope.amzDate}\n${scope.date}/${scope.region}/${scope.service}/aws4_request\n`;
  const sign = (s: string) => crypto.createHmac('sha256', key).update(s).digest('hex');
  // Each signature chains from the one before, as computed here: a forged chunk breaks the rest.
  let previous = scope.signature;
  const verifier: ChunkVerifier = {
    chunk(dataSha256, signature) {
      previous = sign(`AWS4-HMAC-SHA256-PAYLOAD\n${prefix}${previous}\n${EMPTY_SHA256}\n${dataSha256}`);
      return signature !== undefined && same(previous, signature);
    },
  };
  if (payloadHash.endsWith('-TRAILER')) {
    verifier.trailer = (canonical, signature) => signature !== undefined
      && same(sign(`AWS4-HMAC-SHA256-TRAILER\n${prefix}${previous}\n${sha256Hex(canonical)}`), signature);
  }
  return verifier;
}

function same(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(given, 'hex');
  return a.length === b.length && a.length > 0 && crypto.timingSafeEqual(a, b);
}
