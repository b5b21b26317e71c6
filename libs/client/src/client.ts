import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';
import { FetchFunction, RetryPolicy, retryingFetch } from './retry';

/** The gateway's routes, typed from docs/openapi.json: `client.GET('/images', { params: { query } })` and so on. */
export type ImagesClient = Client<paths>;

export interface ImagesClientOptions {
  /** Where the gateway answers, e.g. `https://images.example.com` (no trailing path). */
  baseUrl: string;
  /** An API key (or a JWT, as a bearer token); without one, only the probes and problem pages answer. */
  apiKey?: string;
  /** How the key is sent: `Authorization: Bearer` (default) or `X-Api-Key` (API keys only). */
  keyHeader?: 'authorization' | 'x-api-key';
  /** Retries of 429 and 503 after their Retry-After; `false` returns them at once. */
  retry?: RetryPolicy | false;
  /** The fetch underneath (default: the global one). */
  fetch?: FetchFunction;
}

export function createImagesClient(options: ImagesClientOptions): ImagesClient {
  const { baseUrl, apiKey, keyHeader = 'authorization', retry = {} } = options;
  const fetchOnce: FetchFunction = options.fetch ?? ((request) => globalThis.fetch(request));
  const headers: Record<string, string> = {};
  if (apiKey !== undefined) {
    if (keyHeader === 'x-api-key') headers['X-Api-Key'] = apiKey;
    else headers.Authorization = `Bearer ${apiKey}`;
  }
  return createClient<paths>({ baseUrl, headers, fetch: retry === false ? fetchOnce : retryingFetch(fetchOnce, retry) });
}
