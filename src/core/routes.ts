// What a module's HTTP receiver is: a path prefix it owns and a handler of whole requests. The
// front door (server/http.ts) dispatches to these; modules declare them (core/module.ts).
import type { RawRequest, RawResponse } from '../protocol/http.js';

export interface Route {
  /** Path prefix this receiver owns, e.g. `/slack/`; the AWS pipeline takes everything else. */
  prefix: string;
  handle(req: RawRequest, sourceIp: string): Promise<RawResponse>;
}
