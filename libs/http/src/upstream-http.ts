import type { Span } from '@opentelemetry/api';
import axios, { AxiosError, AxiosInstance, AxiosRequestConfig } from 'axios';
import type { Readable } from 'node:stream';
import { GatewayError } from '@images/core';
import { pooledAgents, upstreamAxiosConfig } from './axios-config';
import { DEFAULT_RETRY_POLICY, RetrySchedule, pause } from './retry';
import { endUpstreamSpan, startUpstreamSpan, withTraceContext } from './upstream-spans';
import { Interpret, TranslateFailure, UpstreamDeps, UpstreamHttpOptions, UpstreamRequest, UpstreamResponse, UpstreamStream } from './upstream-types';
import { STREAM_ERROR_BODY_BYTES, encodeRfc3986, isCancellation, lowerCaseHeaders, parseJson, readBounded } from './wire';

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Every call: statuses and bodies are the vendor's to interpret, and environment proxies must never capture vendor traffic. */
const EVERY_CALL: AxiosRequestConfig = { validateStatus: () => true, maxRedirects: 0, proxy: false };
/** API calls: the raw text, read by the gateway, so a garbage body is seen as garbage, not half-parsed. */
const API_CALL: AxiosRequestConfig = { ...EVERY_CALL, responseType: 'text', transformResponse: [(data: unknown) => data] };
/** Downloads: the body as it arrives, unlimited, undecoded (a decoded body would break Range offsets), no inactivity timeout. */
const STREAM_CALL: AxiosRequestConfig = { ...EVERY_CALL, responseType: 'stream', maxContentLength: -1, decompress: false, timeout: 0 };

/** The one outbound HTTP wrapper: deadline by abort signal, keep-alive pool, transport errors as GatewayErrors. */
export class UpstreamHttp {
  private readonly client: AxiosInstance;
  /** Downloads hold a socket for their whole transfer: a pool of their own, so they never starve the API calls. */
  private readonly streamAgents: ReturnType<typeof pooledAgents>;
  private readonly base: URL;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: UpstreamHttpOptions) {
    this.base = new URL(options.baseUrl);
    this.client = options.axios ?? axios.create(upstreamAxiosConfig({ maxSockets: options.maxSockets }));
    this.streamAgents = pooledAgents(options.maxStreams ?? options.maxSockets);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** The wrapper a provider uses: on its vendor module's axios instance, its pool sized by the gateway's per-provider concurrency. */
  static forProvider(provider: string, endpoint: string, deps: UpstreamDeps): UpstreamHttp {
    return new UpstreamHttp({
      provider, baseUrl: endpoint, observer: deps.observer, logger: deps.logger, maxSockets: Math.max(1, deps.maxConcurrentRequests), maxStreams: deps.maxStreams, axios: deps.axios, tracer: deps.tracer,
    });
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
    // Only while tracing is on: otherwise no span, no header copy.
    const span = this.options.tracer ? startUpstreamSpan(this.options.tracer, this.options.provider, this.base, request, attempt) : undefined;
    let response: UpstreamResponse;
    try {
      response = await this.send(request, started, span);
    } catch (error) {
      if (isCancellation(request.signal)) {
        // The caller gave up on this call (another page failed): not the vendor's fault, not worth a warning.
        this.record(request, 0, started, attempt, undefined, true, span);
        throw new GatewayError('UPSTREAM_ERROR', { provider: this.options.provider, detail: `${request.operation} was cancelled`, cause: error });
      }
      const transport = error instanceof GatewayError ? error : this.transportError(error, request);
      this.record(request, 0, started, attempt, transport, false, span);
      throw transport;
    }
    try {
      const value = interpret(response);
      this.record(request, response.status, started, attempt, undefined, false, span);
      return value;
    } catch (error) {
      // A translator's own GatewayError, or a reader that tripped over an answer it cannot make sense of.
      const failure = error instanceof GatewayError
        ? error
        : new GatewayError('UPSTREAM_BAD_RESPONSE', { provider: this.options.provider, upstream: { status: response.status }, detail: `${this.options.provider} answered ${request.operation} with something the gateway could not read`, cause: error });
      this.record(request, response.status, started, attempt, failure, false, span);
      throw failure;
    }
  }

  private async send(request: UpstreamRequest, started: number, span: Span | undefined): Promise<UpstreamResponse> {
    const query = UpstreamHttp.encodeQuery(request.query);
    const url = `${this.base.origin}${this.wirePath(request.path)}${query ? `?${query}` : ''}`;
    const response = await this.client.request<string>({
      ...API_CALL,
      maxContentLength: this.maxResponseBytes,
      url,
      method: request.method,
      headers: span ? withTraceContext(request.headers, span) : request.headers,
      data: request.body,
      signal: request.signal,
    });
    const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    return { status: response.status, headers: lowerCaseHeaders(response.headers), text, json: parseJson(text), latencyMs: Math.round(performance.now() - started), provider: this.options.provider };
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

  private record(request: UpstreamRequest, httpStatus: number, started: number, attempt: number, error?: GatewayError, cancelled = false, span?: Span): void {
    const latencyMs = Math.round(performance.now() - started);
    if (span) endUpstreamSpan(span, httpStatus, error, cancelled);
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
    // The span ends when the answer's headers arrive, with the event: the body's transfer is the caller's to time.
    const span = this.options.tracer ? startUpstreamSpan(this.options.tracer, this.options.provider, this.base, request, 1) : undefined;
    let status: number;
    let headers: Record<string, string>;
    let body: Readable;
    try {
      const query = UpstreamHttp.encodeQuery(request.query);
      const response = await this.client.request<Readable>({
        ...STREAM_CALL,
        ...this.streamAgents,
        url: `${this.base.origin}${this.wirePath(request.path)}${query ? `?${query}` : ''}`,
        method: request.method,
        // Identity: a compressed answer would break Range offsets and Content-Length; the caller may still ask otherwise.
        headers: { 'Accept-Encoding': 'identity', ...(span ? withTraceContext(request.headers, span) : request.headers) },
        data: request.body,
        signal: request.signal,
      });
      status = response.status;
      headers = lowerCaseHeaders(response.headers);
      body = response.data;
      if (status < 200 || status > 299) {
        const text = await readBounded(body, STREAM_ERROR_BODY_BYTES);
        const failure = this.streamFailure(translate, { status, headers, text, json: parseJson(text), latencyMs: Math.round(performance.now() - started), provider: this.options.provider }, request);
        this.record(request, status, started, 1, failure, false, span);
        throw failure;
      }
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (isCancellation(request.signal)) {
        this.record(request, 0, started, 1, undefined, true, span);
        throw new GatewayError('UPSTREAM_ERROR', { provider: this.options.provider, detail: `${request.operation} was cancelled`, cause: error });
      }
      const transport = this.transportError(error, request);
      this.record(request, 0, started, 1, transport, false, span);
      throw transport;
    }
    this.record(request, status, started, 1, undefined, false, span);
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

