// What unauthenticated bodies cost the server, and whether hashing a large authenticated one
// stalls it: 4 concurrent unsigned 450 MB PUTs (peak RSS, RSS held after), then one signed 400 MB
// PUT with Content-MD5, CRC32C and a signed SHA-256 (longest stall of a health probe meanwhile).
// `node <build>/bench/unauth-body.js`; UNAUTH_MB and UNAUTH_PUTS change the sizes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { adminCredentials, peakRssMiB, startChattrail } from './processes.js';
import { signRequest } from '../test/e2e/signed-fetch.js';
import { crc32c } from '../src/protocol/payload.js';

const MB = 1_000_000;
const SIZE = Number(process.env.UNAUTH_MB ?? 450) * MB;
const PUTS = Number(process.env.UNAUTH_PUTS ?? 4);
const SIGNED = 400 * MB;

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 'NaN') / 1024;
}

/**
 * Sends a head and `size` bytes over a raw socket, all of them whatever the server answers
 * meanwhile (no Expect, as an attacker would), until the server closes; resolves with the status line.
 */
function put(url: string, headers: Record<string, string>, size: number, fill?: Buffer): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = net.connect(Number(u.port), u.hostname);
    let answer = '';
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      sock.destroy();
      resolve(answer.split('\r\n')[0] || 'no answer (connection closed)');
    };
    sock.on('data', (d: Buffer) => { answer += d.toString('latin1'); });
    sock.on('error', done);
    sock.on('close', done);
    sock.write(`PUT ${headers[':path']} HTTP/1.1\r\n${Object.entries(headers).filter(([k]) => k !== ':path').map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
    const piece = Buffer.alloc(1 << 20);
    let sent = 0;
    const pump = () => {
      while (sent < size && !sock.destroyed) {
        const b = fill ? fill.subarray(sent, Math.min(size, sent + piece.length)) : piece.subarray(0, Math.min(piece.length, size - sent));
        sent += b.length;
        if (!sock.write(b)) { sock.once('drain', pump); return; }
      }
      // Everything sent: wait for the answer, then hang up.
      const wait = () => (/\r\n\r\n/.test(answer) ? setTimeout(done, 100) : setTimeout(wait, 50));
      wait();
    };
    pump();
  });
}

/** Longest answer time of /_chattrail/health, asked every 20 ms until `until` settles. */
async function probe(url: string, until: Promise<unknown>): Promise<number> {
  let worst = 0;
  let over = false;
  void until.finally(() => { over = true; });
  while (!over) {
    const t = performance.now();
    await fetch(`${url}/_chattrail/health`).then((r) => r.text()).catch(() => '');
    worst = Math.max(worst, performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  return worst;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-unauth-'));
  const server = await startChattrail(dataDir);
  const pid = server.proc.pid!;
  try {
    const u = new URL(server.url);
    const base = rssMiB(pid);
    const started = Date.now();
    const unsigned = await Promise.all(Array.from({ length: PUTS }, (_, i) =>
      put(server.url, { ':path': `/bench/k${i}`, host: u.host, 'content-length': String(SIZE), 'content-type': 'application/octet-stream' }, SIZE)));
    const unsignedMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 3000));
    const peakUnsigned = peakRssMiB(pid);
    const heldAfter = rssMiB(pid);

    // One authenticated upload with every digest S3 checks, the body computed ahead of time.
    const creds = adminCredentials(dataDir);
    await fetch(`${server.url}/bench`, { method: 'PUT', headers: (await signRequest({ url: server.url, method: 'PUT', path: '/bench', service: 's3', region: 'us-east-1', credentials: creds, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })).headers });
    const body = crypto.randomBytes(1 << 20);
    const full = Buffer.alloc(SIGNED);
    for (let i = 0; i < SIGNED; i += body.length) body.copy(full, i);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32c(full));
    const p = await signRequest({
      url: server.url, method: 'PUT', path: '/bench/signed', service: 's3', region: 'us-east-1', credentials: creds,
      headers: {
        'x-amz-content-sha256': crypto.createHash('sha256').update(full).digest('hex'), 'content-md5': crypto.createHash('md5').update(full).digest('base64'),
        'x-amz-checksum-crc32c': crc.toString('base64'), 'content-length': String(SIGNED),
      },
    });
    const upload = put(server.url, { ':path': '/bench/signed', ...p.headers }, SIGNED, full);
    const [status, stall] = await Promise.all([upload, probe(server.url, upload)]);
    console.log(JSON.stringify({
      unsignedPuts: PUTS, unsignedMB: SIZE / MB, unsignedAnswers: [...new Set(unsigned)], unsignedSeconds: unsignedMs / 1000,
      rssBeforeMiB: Math.round(base), peakRssMiB: Math.round(peakUnsigned), rssHeldAfterMiB: Math.round(heldAfter),
      signedPutMB: SIGNED / MB, signedAnswer: status, longestHealthStallMs: Math.round(stall), peakRssAfterSignedMiB: Math.round(peakRssMiB(pid)),
    }, null, 1));
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
