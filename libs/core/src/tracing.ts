import type { Tracer } from '@opentelemetry/api';

export type { Tracer };

/**
 * Names of the gateway's own span attributes, beside OpenTelemetry's semantic conventions (http.*, error.type).
 * Values are ids, names and outcomes only: never a URL's query, a header or a body (they can carry credentials).
 */
export const SPAN_ATTRIBUTES = {
  /** The provider id (didi, huawei, …): the vendor a slice or an upstream call is for. */
  provider: 'images.provider',
  /** The upstream operation's stable name (cimg/list, ListImages, …). */
  operation: 'images.operation',
  /** 1 for the first attempt of an upstream call, 2 for its first retry, … */
  attempt: 'images.attempt',
  /** A slice's cache outcome: hit, miss, stale, bypass. */
  cache: 'images.cache',
  /** The slice joined a fetch already in flight for the same catalog instead of asking the vendor itself. */
  coalesced: 'images.coalesced',
  /** A slice's status: ok, stale, error. */
  sliceStatus: 'images.slice.status',
  /** The caller abandoned the upstream call (another page failed first, or the caller left): no outcome to report. */
  cancelled: 'images.cancelled',
  /** The gateway's request id (X-Request-Id). */
  requestId: 'images.request_id',
} as const;
