// Raw HTTP for security-sigv4.test.ts: requests signed with chosen headers left unsigned, exchanges
// that send part of a body and watch when the answer comes, and signed aws-chunked uploads built
// byte by byte (no SDK sends STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
import crypto from 'node:crypto';
import net from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { send, signRequest, type Credentials, type PreparedRequest, type RawAnswer, type SignedRequestInput } from './signed-fetch.js';

/** Signs (or presigns) leaving `unsigned` headers out of the signature. */
export async function signWith(input: SignedRequestInput, opts: { unsigned?: string[]; presign?: boolean }): Promise<PreparedRequest> {
  const u = new URL(input.url);
  const body = input.body === undefined ? Buffer.alloc(0) : Buffer.from(input.body);
  const req = new HttpRequest({
    method: input.method ?? 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: input.path ?? '/',
    query: input.query ?? {}, headers: { host: u.host, ...input.headers }, body,
  });
  const signer = new SignatureV4({
    credentials: input.credentials!, region: input.region, service: input.service,
    sha256: Hash.bind(null, 'sha256'), uriEscapePath: input.service !== 's3', applyChecksum: false,
  });
  const unsignableHeaders = new Set(opts.unsigned ?? []);
  const out = opts.presign ? await signer.presign(req, { expiresIn: 300, unsignableHeaders }) : await signer.sign(req, { unsignableHeaders });
  const qs = new URLSearchParams(out.query as Record<string, string>).toString().replace(/\+/g, '%20');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k] = String(v);
  if (body.length) headers['content-length'] = String(body.length);
  return { method: out.method, path: out.path + (qs ? `?${qs}` : ''), headers, body: opts.presign ? Buffer.alloc(0) : body, host: u.hostname, port: Number(u.port) };
}

export interface Exchange extends RawAnswer {
  /** A `100 Continue` came before the answer. */
  continued: boolean;
  /** Body bytes written when the answer arrived. */
  answeredAfterBytes: number;
  /** Writing the rest of the body failed (the server cut the connection). */
  writeError?: string;
}

/**
 * Over a plain socket (node's http client holds back an early answer): sends the head, then
 * `send` bytes of body, then waits (5 s at most) for the answer before sending `thenSend` more.
 * Shows whether the server answers before it has the body, and whether it drains the rest.
 */
export function rawExchange(req: { method: string; path: string; host: string; port: number; headers: Record<string, string> },
  opts: { send: number; thenSend?: number; chunked?: boolean }): Promise<Exchange> {
  return new Promise((resolve) => {
    let written = 0;
    let writeError: string | undefined;
    let received = '';
    let answeredAt: number | undefined;
    const sock = net.connect(req.port, req.host);
    const finish = (status: number, text: string) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ status, text, headers: {}, continued: /^HTTP\/1\.1 100/.test(received), answeredAfterBytes: answeredAt ?? written, writeError });
    };
    const timer = setTimeout(() => finish(0, 'no answer'), 5000);
    sock.on('error', (e) => { writeError ??= e.message; });
    sock.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      const final = /HTTP\/1\.1 ([2-5]\d\d)[^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(received);
      if (!final) return;
      answeredAt ??= written;
      const length = Number(/content-length: *(\d+)/i.exec(final[2])?.[1] ?? '0');
      const text = received.slice(final.index + final[0].length);
      if (text.length < length) return;
      void (async () => {
        if (opts.thenSend) {
          await writeBody(sock, opts.thenSend, opts.chunked).then(() => { if (opts.chunked) sock.write('0\r\n\r\n'); }, (e: Error) => { writeError ??= e.message; });
          await new Promise((r) => setTimeout(r, 100));
        }
        finish(Number(final[1]), text.slice(0, length));
      })();
    });
    const head = `${req.method} ${req.path} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    sock.write(head);
    void writeBody(sock, opts.send, opts.chunked).then(() => { written = opts.send; if (opts.chunked && !opts.thenSend) sock.write('0\r\n\r\n'); }, () => { /* seen in 'error' */ });
  });
}

async function writeBody(sock: net.Socket, n: number, chunked?: boolean): Promise<void> {
  const piece = Buffer.alloc(16 * 1024);
  for (let left = n; left > 0; left -= piece.length) {
    const b = left >= piece.length ? piece : piece.subarray(0, left);
    const framed = chunked ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]) : b;
    if (sock.destroyed) throw new Error('socket closed');
    await new Promise<void>((resolve, reject) => sock.write(framed, (e) => (e ? reject(e) : resolve())));
  }
}

const EMPTY = crypto.createHash('sha256').update('').digest('hex');

/** A PUT with STREAMING-AWS4-HMAC-SHA256-PAYLOAD: 64 KiB chunks, each signed, chained from the seed. */
export async function chunkedUpload(url: string, creds: Credentials, objectPath: string, data: Buffer, opts: { tamperChunk?: number }): Promise<RawAnswer> {
  const size = 64 * 1024;
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(data.subarray(i, i + size));
  pieces.push(Buffer.alloc(0));
  const encodedLength = pieces.reduce((n, p) => n + p.length.toString(16).length + ';chunk-signature='.length + 64 + 4 + p.length, 0);
  const p = await signRequest({
    url, method: 'PUT', path: objectPath, service: 's3', region: 'us-east-1', credentials: creds,
    headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'content-length': String(encodedLength) },
  });
  const amzDate = p.headers['x-amz-date'];
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const hmac = (k: string | Buffer, s: string) => crypto.createHmac('sha256', k).update(s).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, amzDate.slice(0, 8)), 'us-east-1'), 's3'), 'aws4_request');
  let previous = /Signature=([0-9a-f]{64})/.exec(p.headers.authorization)![1];
  const parts = pieces.map((piece, i) => {
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${EMPTY}\n${crypto.createHash('sha256').update(piece).digest('hex')}`;
    previous = crypto.createHmac('sha256', key).update(sts).digest('hex');
    const sent = Buffer.from(piece);
    if (opts.tamperChunk === i && sent.length) sent[0] ^= 0xff;
    return Buffer.concat([Buffer.from(`${piece.length.toString(16)};chunk-signature=${previous}\r\n`), sent, Buffer.from('\r\n')]);
  });
  return send({ ...p, body: Buffer.concat(parts) });
}
