// A `fetch` for @slack/web-api's WebClient (its documented `fetch` option) that sends plain string
// bodies over node:http(s) with a keep-alive agent. Every chat answer is one form-encoded POST,
// and undici's WHATWG fetch costs about 0.2 ms of CPU more per call than node:http (streams,
// Request/Response objects, an abort timer): a tenth of a chat command's whole budget. Anything
// else (file uploads' FormData, streams) goes to the global fetch unchanged. The answer is a small
// Response look-alike over the buffered body (status, headers, text/json/arrayBuffer/blob, body,
// clone): building a WHATWG Response around a finished buffer cost another 50 µs per call.
import http from 'node:http';
import https from 'node:https';

type FetchFn = typeof fetch;

/** Statuses whose Response must be built without a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function keepAliveFetch(fallback: FetchFn = globalThis.fetch): FetchFn {
  // Idle sockets are closed after 15 s (the agent destroys a free socket when it times out), well
  // before servers drop them: reusing a socket the server closed fails the request, and WebClient
  // would then retry a chat.postMessage.
  const options = { keepAlive: true, maxSockets: 64, timeout: 15_000 };
  const agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  const fetchOverNode = (input: Parameters<FetchFn>[0], init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    let url: URL | undefined;
    try {
      url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new TypeError(String(e)));
    }
    const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof URLSearchParams;
    if (!url || !simpleBody || (url.protocol !== 'http:' && url.protocol !== 'https:') || (init.redirect && init.redirect !== 'error' && init.redirect !== 'manual')) {
      return fallback(input, init);
    }
    const payload = body === undefined || body === null ? undefined : Buffer.from(String(body));
    const headers = plainHeaders(init.headers);
    if (body instanceof URLSearchParams && !headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    if (payload) headers['content-length'] = String(payload.length);
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) { reject(signal.reason); return; }
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 0;
          if (init.redirect === 'error' && status >= 300 && status < 400 && res.headers.location) {
            reject(new TypeError(`fetch failed: redirect to ${res.headers.location} while redirect mode is "error"`));
            return;
          }
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          resolve(new BufferedResponse(NULL_BODY.has(status) ? Buffer.alloc(0) : Buffer.concat(chunks), status, res.statusMessage ?? '', responseHeaders, url.href) as unknown as Response);
        });
      });
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('The operation was aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => { signal?.removeEventListener('abort', onAbort); reject(e); });
      req.end(payload);
    });
  };
  return fetchOverNode as FetchFn;
}

function plainHeaders(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init) return out;
  if (init instanceof Headers || Array.isArray(init)) {
    new Headers(init).forEach((value, name) => { out[name] = value; });
    return out;
  }
  for (const [name, value] of Object.entries(init)) if (value !== undefined) out[name.toLowerCase()] = String(value);
  return out;
}

/** The part of the Response interface fetch callers use, over a body that has fully arrived. */
class BufferedResponse {
  readonly type = 'basic';
  readonly redirected = false;
  private used = false;
  constructor(private readonly payload: Buffer, readonly status: number, readonly statusText: string, readonly headers: Headers, readonly url: string) {}
  get ok(): boolean { return this.status >= 200 && this.status < 300; }
  get bodyUsed(): boolean { return this.used; }
  get body(): ReadableStream<Uint8Array> | null {
    if (!this.payload.length) return null;
    const bytes = this.consume();
    return new ReadableStream({ start(c) { c.enqueue(new Uint8Array(bytes)); c.close(); } });
  }
  private consume(): Buffer {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.payload;
  }
  async text(): Promise<string> { return this.consume().toString('utf8'); }
  async json(): Promise<unknown> { return JSON.parse(await this.text()); }
  async arrayBuffer(): Promise<ArrayBuffer> { const b = this.consume(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer; }
  async bytes(): Promise<Uint8Array> { return new Uint8Array(this.consume()); }
  async blob(): Promise<Blob> { return new Blob([new Uint8Array(this.consume())], { type: this.headers.get('content-type') ?? '' }); }
  clone(): BufferedResponse {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.payload, this.status, this.statusText, this.headers, this.url);
  }
}
