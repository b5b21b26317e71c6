import axios, { AxiosError, AxiosInstance } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { GatewayError, ProviderDeps, ProviderLogger, UpstreamObserver } from '@images/core';
import { DEFAULT_RETRY_POLICY, RetryPolicy, RetrySchedule, pause } from './retry';

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
}

/**
 * Turns a response into the caller's value, or throws the GatewayError a vendor's error table says.
 * Runs inside `call` so that metrics see the translated outcome of every upstream call.
 */
export type Interpret<T> = (response: UpstreamResponse) => T;

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The one outbound HTTP wrapper: deadline by abort signal, keep-alive pool, transport errors as GatewayErrors. */
export class UpstreamHttp {
  private readonly client: AxiosInstance;
  /** Downloads hold a socket for their whole transfer: their own pool, so they never starve the API calls. */
  private readonly streamClient: AxiosInstance;
  private readonly base: URL;

  constructor(private readonly options: UpstreamHttpOptions) {
    this.base = new URL(options.baseUrl);
    this.client = axios.create({
      ...pooledAgents(options.maxSockets),
      // We read the raw text ourselves: a garbage body must be seen as garbage, not half-parsed.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      // Environment proxies must never capture vendor traffic (or loopback simulators).
      proxy: false,
      maxContentLength: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
    this.streamClient = axios.create({ ...pooledAgents(options.maxStreams ?? options.maxSockets), validateStatus: () => true, maxRedirects: 0, proxy: false });
  }

  /** The wrapper a provider uses: its pool sized by the gateway's per-provider concurrency. */
  static forProvider(provider: string, endpoint: string, deps: ProviderDeps): UpstreamHttp {
    return new UpstreamHttp({ provider, baseUrl: endpoint, observer: deps.observer, logger: deps.logger, maxSockets: Math.max(1, deps.maxConcurrentRequests) });
  }

  /** `host[:port]` exactly as sent in the Host header (signers sign it). */
  get host(): string {
    return this.base.host;
  }

  /** The full path on the wire for a request path (base path prefix included). */
  wirePath(path: string): string {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    return `${prefix}${path.startsWith('/') ? path : `/${path}`}`;
  }

  static encodeQuery(query: UpstreamRequest['query']): string {
    if (!query) return '';
    return query
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(String(v))}`)
      .join('&');
  }

  /** One logical call: retried on retryable failures when the request is a read, inside its budget. */
  async call<T>(request: UpstreamRequest, interpret: Interpret<T>): Promise<T> {
    if (!(request.retry ?? request.method === 'GET')) return this.attempt(request, interpret, 1);
    const schedule = new RetrySchedule(this.options.retryPolicy ?? DEFAULT_RETRY_POLICY);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request, interpret, attempt);
      } catch (error) {
        const delayMs = error instanceof GatewayError && !request.signal.aborted ? schedule.nextDelayMs(attempt, error, request.deadline) : null;
        if (delayMs === null) throw error;
        const failure = error as GatewayError;
        this.options.observer.onUpstreamRetry?.({ provider: this.options.provider, operation: request.operation, attempt, problemCode: failure.code, delayMs });
        this.options.logger.info({ provider: this.options.provider, operation: request.operation, attempt, code: failure.code, delayMs }, 'retrying upstream read');
        // Aborted while waiting: the budget or the caller is gone, and the last failure is the honest answer.
        if (!(await pause(delayMs, request.signal))) throw error;
      }
    }
  }

  private async attempt<T>(request: UpstreamRequest, interpret: Interpret<T>, attempt: number): Promise<T> {
    const started = performance.now();
    let response: UpstreamResponse;
    try {
      response = await this.send(request, started);
    } catch (error) {
      if (isCancellation(request.signal)) {
        // The caller gave up on this call (another page failed): not the vendor's fault, not worth a warning.
        this.record(request, 0, started, attempt, undefined, true);
        throw new GatewayError('UPSTREAM_ERROR', { provider: this.options.provider, detail: `${request.operation} was cancelled`, cause: error });
      }
      const transport = error instanceof GatewayError ? error : this.transportError(error, request);
      this.record(request, 0, started, attempt, transport);
      throw transport;
    }
    try {
      const value = interpret(response);
      this.record(request, response.status, started, attempt);
      return value;
    } catch (error) {
      // A translator's own GatewayError, or a reader that tripped over an answer it cannot make sense of.
      const failure = error instanceof GatewayError
        ? error
        : new GatewayError('UPSTREAM_BAD_RESPONSE', { provider: this.options.provider, upstream: { status: response.status }, detail: `${this.options.provider} answered ${request.operation} with something the gateway could not read`, cause: error });
      this.record(request, response.status, started, attempt, failure);
      throw failure;
    }
  }

  private async send(request: UpstreamRequest, started: number): Promise<UpstreamResponse> {
    const query = UpstreamHttp.encodeQuery(request.query);
    const url = `${this.base.origin}${this.wirePath(request.path)}${query ? `?${query}` : ''}`;
    const response = await this.client.request<string>({
      url,
      method: request.method,
      headers: request.headers,
      data: request.body,
      signal: request.signal,
    });
    const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    return { status: response.status, headers: lowerCaseHeaders(response.headers), text, json: parseJson(text), latencyMs: Math.round(performance.now() - started) };
  }

  private transportError(error: unknown, request: UpstreamRequest): GatewayError {
    const provider = this.options.provider;
    if (request.signal.aborted) {
      return new GatewayError('UPSTREAM_TIMEOUT', { provider, detail: `${provider} did not answer ${request.operation} within the time budget`, cause: error });
    }
    const code = error instanceof AxiosError ? error.code : (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ERR_BAD_RESPONSE' && String((error as Error).message).includes('maxContentLength')) {
      return new GatewayError('UPSTREAM_BAD_RESPONSE', { provider, detail: `${provider} sent an oversized answer to ${request.operation}` });
    }
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
      return new GatewayError('UPSTREAM_TIMEOUT', { provider, detail: `${provider} timed out on ${request.operation}` });
    }
    // Refused, reset, unresolvable, or any other socket failure: the vendor could not be reached.
    return new GatewayError('UPSTREAM_UNAVAILABLE', {
      provider,
      detail: `${provider} could not be reached for ${request.operation} (${code ?? 'connection failed'})`,
    });
  }

  private record(request: UpstreamRequest, httpStatus: number, started: number, attempt: number, error?: GatewayError, cancelled = false): void {
    const latencyMs = Math.round(performance.now() - started);
    this.options.observer.onUpstreamCall({
      provider: this.options.provider,
      operation: request.operation,
      method: request.method,
      httpStatus,
      problemCode: error?.code,
      cancelled,
      attempt,
      vendorCode: error?.upstream?.code,
      unknownVendorCode: error?.unmappedVendorCode,
      latencyMs,
    });
    // Paths and statuses only: queries and bodies can carry signatures and keys.
    const line = { provider: this.options.provider, operation: request.operation, method: request.method, path: request.path, httpStatus, latencyMs };
    if (error) this.options.logger.warn({ ...line, code: error.code, vendorCode: error.upstream?.code }, 'upstream call failed');
    else this.options.logger.debug({ ...line, ...(cancelled ? { cancelled } : {}) }, 'upstream call');
  }

  /**
   * A call whose 2xx body is handed over as it arrives (a file download): same pool, deadline and metrics as `call`,
   * no size limit, one attempt (a body cannot be replayed). A non-2xx answer is read up to STREAM_ERROR_BODY_BYTES and
   * thrown as the GatewayError `translate` makes of it. The event is recorded when the answer's headers arrive.
   */
  async stream(request: UpstreamRequest, translate: TranslateFailure): Promise<UpstreamStream> {
    const started = performance.now();
    let status: number;
    let headers: Record<string, string>;
    let body: Readable;
    try {
      const query = UpstreamHttp.encodeQuery(request.query);
      const response = await this.streamClient.request<Readable>({
        url: `${this.base.origin}${this.wirePath(request.path)}${query ? `?${query}` : ''}`,
        method: request.method,
        // Identity: a compressed answer would break Range offsets and Content-Length; the caller may still ask otherwise.
        headers: { 'Accept-Encoding': 'identity', ...request.headers },
        data: request.body,
        signal: request.signal,
        responseType: 'stream',
        maxContentLength: -1,
        decompress: false,
      });
      status = response.status;
      headers = lowerCaseHeaders(response.headers);
      body = response.data;
      if (status < 200 || status > 299) {
        const text = await readBounded(body, STREAM_ERROR_BODY_BYTES);
        const failure = this.streamFailure(translate, { status, headers, text, json: parseJson(text), latencyMs: Math.round(performance.now() - started) }, request);
        this.record(request, status, started, 1, failure);
        throw failure;
      }
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (isCancellation(request.signal)) {
        this.record(request, 0, started, 1, undefined, true);
        throw new GatewayError('UPSTREAM_ERROR', { provider: this.options.provider, detail: `${request.operation} was cancelled`, cause: error });
      }
      const transport = this.transportError(error, request);
      this.record(request, 0, started, 1, transport);
      throw transport;
    }
    this.record(request, status, started, 1);
    // A body that breaks off after the headers: the consumer sees the stream error; the log says which call it was.
    body.once('error', (error: Error) => {
      const line = { provider: this.options.provider, operation: request.operation, method: request.method, path: request.path, reason: (error as NodeJS.ErrnoException).code ?? error.name };
      if (isCancellation(request.signal)) this.options.logger.debug(line, 'upstream stream cancelled');
      else this.options.logger.warn(line, 'upstream stream broke off');
    });
    return { status, headers, body };
  }

  /** The translator's GatewayError; a translator that trips over the answer makes it a bad response, as in `call`. */
  private streamFailure(translate: TranslateFailure, response: UpstreamResponse, request: UpstreamRequest): GatewayError {
    try {
      return translate(response);
    } catch (error) {
      if (error instanceof GatewayError) return error;
      return new GatewayError('UPSTREAM_BAD_RESPONSE', { provider: this.options.provider, upstream: { status: response.status }, detail: `${this.options.provider} answered ${request.operation} with something the gateway could not read`, cause: error });
    }
  }
}

/**
 * Aborted for a reason other than a budget running out. Budgets abort with a GatewayError (the engine)
 * or a TimeoutError (AbortSignal.timeout); anything else means the caller walked away.
 */
function isCancellation(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return signal.aborted && !(reason instanceof GatewayError) && (reason as Error | undefined)?.name !== 'TimeoutError';
}

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** encodeURIComponent plus the characters RFC 3986 reserves but encodeURIComponent leaves (`!'()*`). */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parses a Retry-After header (seconds or HTTP date) into whole seconds. */
export function retryAfterSeconds(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** A keep-alive pool of `size` sockets, which is also the cap on concurrent requests through it. */
function pooledAgents(size: number): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const agentOptions = { keepAlive: true, maxSockets: size, maxFreeSockets: size, scheduling: 'lifo' as const };
  return { httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) };
}

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

/** An error answer is an envelope or a proxy's page: this much is plenty, and a vendor spewing a file as an error cannot fill memory. */
export const STREAM_ERROR_BODY_BYTES = 64 * 1024;

function lowerCaseHeaders(raw: object | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

/** At most `limit` bytes of a body as text; the rest is not read (the stream is destroyed). */
function readBounded(body: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8'));
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      size += bytes.length;
      if (size >= limit) {
        finish();
        body.destroy();
      }
    };
    body.on('data', onData);
    body.once('end', finish);
    body.once('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
  });
}
