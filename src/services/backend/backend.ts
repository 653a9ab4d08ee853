// The contract between forwarded services and the backend emulator that serves them (issue 11):
// one call, sent as the caller's account and region, answered as parsed output or an AwsError.
import type { ServiceModel } from '../../protocol/model.js';
import type { CatalogEntry } from './catalog.js';

/** Where a forwarded call acts at the backend: the caller's account and the region it signed for. */
export interface BackendTarget {
  accountId: string;
  region: string;
}

export type BackendStateName = 'starting' | 'ready' | 'down' | 'stopped';

export interface BackendStatus {
  state: BackendStateName;
  /** Where the backend listens (known once started). */
  url?: string;
  /** What went wrong last, for the health answer and the ServiceUnavailable message. */
  detail?: string;
}

/**
 * Sends calls to the backend. Never forwards the caller's bytes or headers: the request is
 * serialized from the validated input, so nothing a caller sends (an account header, a region in the
 * user agent) reaches the backend, and the record and the answer come from the parsed output.
 */
export interface Forwarder {
  /**
   * Resolves to the operation's output; rejects with the backend's own error as an AwsError, or with
   * ServiceUnavailable (503, naming the backend) when it is down, refuses, or does not answer in time.
   */
  call(entry: CatalogEntry, model: ServiceModel, opName: string, input: Record<string, unknown>, target: BackendTarget): Promise<Record<string, unknown>>;
}

/** The backend process or endpoint: started with the server, watched, stopped on shutdown. */
export interface Backend {
  status(): BackendStatus;
  /** Resolves once the backend answers (or rejects when it did not within the start bound). */
  start(): Promise<void>;
  stop(): Promise<void>;
}
