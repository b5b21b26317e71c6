import { WireRequest } from '@images/http';

/**
 * How a CECSTACK request is authenticated. The vendor's signing scheme is in a document that is not public,
 * so the scheme is a strategy: a signer can replace the bearer token without touching the client.
 */
export interface CecstackAuth {
  headers(request: WireRequest): Record<string, string>;
}

/** The default: `Authorization: Bearer {CECSTACK_TOKEN}`. */
export class CecstackBearerAuth implements CecstackAuth {
  constructor(private readonly token: string) {}

  headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }
}
