import { QueryValue } from '@images/http';

/** One request exactly as it goes on the wire: what an auth strategy may read (and sign). */
export interface CecstackWireRequest {
  method: string;
  /** `host[:port]` as sent in the Host header (`UpstreamHttp.host`). */
  host: string;
  /** The path on the wire (`UpstreamHttp.wirePath`). */
  path: string;
  query: ReadonlyArray<readonly [string, QueryValue]>;
  headers: Record<string, string>;
  /** The exact body bytes ('' for none). */
  body: string;
}

/**
 * How a CECSTACK request is authenticated. The vendor's signing scheme is in a document that is not public,
 * so the scheme is a strategy: a signer can replace the bearer token without touching the client.
 */
export interface CecstackAuth {
  headers(request: CecstackWireRequest): Record<string, string>;
}

/** The default: `Authorization: Bearer {CECSTACK_TOKEN}`. */
export class CecstackBearerAuth implements CecstackAuth {
  constructor(private readonly token: string) {}

  headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }
}
