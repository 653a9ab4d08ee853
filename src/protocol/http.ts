// The protocol layer's view of HTTP: a fully read request and a response to write. The server
// builds these from node:http; nothing below the protocol layer sees node's objects.
export interface RawRequest {
  method: string;
  /** Path without the query string, still percent-encoded as sent. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
