// The PostgreSQL transport of document changes between nodes sharing one database: writers NOTIFY
// in the write's own transaction (postgres-documents.ts), and each node LISTENs on a dedicated
// connection and republishes other nodes' changes on its local bus. Notifications sent while the
// connection is down are lost, so every (re)connection tells local caches to drop everything.
import crypto from 'node:crypto';
import pg from 'pg';
import { decodeChangeMessage, type ChangeBus } from './changes.js';

/**
 * NOTIFY channels are per database, not per schema: the channel names the schema (hashed, since
 * a channel is an identifier of at most 63 bytes), so two chattrails in one database stay apart.
 */
export function changeChannel(schema: string): string {
  return `chattrail_changes_${crypto.createHash('sha256').update(schema).digest('hex').slice(0, 24)}`;
}

export interface PgChangeListenerOptions {
  /** The database URL (the schema plays no part: a channel is database-wide). */
  url: string;
  channel: string;
  /** This node's origin: its own notifications were already published locally at commit. */
  origin: string;
  bus: ChangeBus;
  onError?: (e: Error) => void;
  /** Delay before reconnecting after the connection failed (default 1 s). */
  retryMs?: number;
}

export class PgChangeListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly opts: PgChangeListenerOptions) {}

  /** Resolves once LISTEN is in force; a failure to connect is thrown (the caller decides to retry or not). */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url });
    client.on('notification', (n) => {
      if (n.channel !== this.opts.channel || n.payload === undefined) return;
      const message = decodeChangeMessage(n.payload);
      if (message && message.origin !== this.opts.origin) this.opts.bus.publish(message.change);
    });
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('change listener connection ended')));
    await client.connect();
    try {
      // Identifiers cannot be bound as parameters; the channel is our own hex-suffixed name.
      await client.query(`LISTEN ${this.opts.channel}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Whatever changed before LISTEN took effect (or during a gap) was not heard: start clean.
    this.opts.bus.publishAll();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private lost(client: pg.Client, e: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.opts.onError?.(e);
    client.end().catch(() => undefined);
    // Until we listen again another node's writes go unheard: caches must not trust themselves.
    this.opts.bus.publishAll();
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.start().catch((e: unknown) => {
        this.opts.onError?.(e instanceof Error ? e : new Error(String(e)));
        this.reconnect();
      });
    }, this.opts.retryMs ?? 1000);
    this.retry.unref();
  }
}
