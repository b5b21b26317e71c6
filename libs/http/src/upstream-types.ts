import type { AxiosInstance } from 'axios';
import type { Readable } from 'node:stream';
import type { GatewayError, ProviderDeps, ProviderLogger, Tracer, UpstreamObserver } from '@images/core';
import type { RetryPolicy } from './retry';

/** A provider's deps with the axios instance of its vendor module (`HttpService.axiosRef`); without one, UpstreamHttp makes its own. */
export interface UpstreamDeps extends ProviderDeps {
  axios?: AxiosInstance;
}

export interface UpstreamHttpOptions {
  provider: string;
  /** Scheme, host, port and an optional path prefix; request paths are appended to it. */
  baseUrl: string;
  observer: UpstreamObserver;
  logger: ProviderLogger;
  /** Keep-alive pool size: also the cap on concurrent requests to this vendor. */
  maxSockets: number;
  /** A body larger than this is a bad response, so a garbage-spewing vendor cannot exhaust memory. */
  maxResponseBytes?: number;
  /** Concurrent streamed downloads (their own pool); default `maxSockets`. */
  maxStreams?: number;
  /** How idempotent reads are retried; default DEFAULT_RETRY_POLICY. */
  retryPolicy?: RetryPolicy;
  /** The vendor module's axios instance (its keep-alive pool); default: one made here with `upstreamAxiosConfig`. */
  axios?: AxiosInstance;
  /** Set only while tracing is on: a CLIENT span per attempt, its trace context sent as `traceparent`. */
  tracer?: Tracer;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface UpstreamRequest {
  /** A short stable name for metrics and logs, e.g. `cimg/list`. */
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the base URL's path. */
  path: string;
  /** Sent in this order; undefined and null values are dropped. */
  query?: ReadonlyArray<readonly [string, QueryValue]>;
  headers?: Record<string, string>;
  /** Serialised already: signers hash the exact bytes sent. */
  body?: string;
  signal: AbortSignal;
  /**
   * Whether a retryable failure (throttling, 5xx, reset) is tried again. Default: GET only.
   * A read sent as POST opts in; a write never does (the vendor may have acted on the first attempt).
   */
  retry?: boolean;
  /** The performance.now() time the caller's budget ends (CallContext.deadline): retries must fit before it. */
  deadline?: number;
}

/** One request exactly as it goes on the wire: what an auth strategy may read (and sign). */
export interface WireRequest {
  method: string;
  /** `host[:port]` as sent in the Host header (`UpstreamHttp.host`). */
  host: string;
  /** The path on the wire (`UpstreamHttp.wirePath`), percent-encoded. */
  path: string;
  query: ReadonlyArray<readonly [string, QueryValue]>;
  /** Headers the request carries before authentication (a signer signs them). */
  headers: Record<string, string>;
  /** The exact body bytes ('' for none). */
  body: string;
}

export interface UpstreamResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when the body is not JSON. */
  json: unknown;
  latencyMs: number;
  /** The provider (account) id that received it, so a vendor's error table names the account; absent in hand-made answers. */
  provider?: string;
}

/**
 * Turns a response into the caller's value, or throws the GatewayError a vendor's error table says.
 * Runs inside `call` so that metrics see the translated outcome of every upstream call.
 */
export type Interpret<T> = (response: UpstreamResponse) => T;

/** What `stream` hands back for a 2xx answer. */
export interface UpstreamStream {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body as it arrives: not buffered, not size-limited; destroying it closes the socket. */
  body: Readable;
}

/** Turns a non-2xx answer to `stream` (its body read up to STREAM_ERROR_BODY_BYTES) into the vendor's GatewayError. */
export type TranslateFailure = (response: UpstreamResponse) => GatewayError;

