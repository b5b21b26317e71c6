import { SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_REQUEST_RESEND_COUNT, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { GatewayError, SPAN_ATTRIBUTES, Tracer } from '@images/core';

/**
 * A CLIENT span for one attempt of an upstream call, a child of the active span (the provider's slice, or the request).
 * Operation name and host only: the URL's query and the headers can carry a signature or a token.
 */
export function startUpstreamSpan(tracer: Tracer, provider: string, base: URL, request: { operation: string; method: string }, attempt: number): Span {
  const port = Number(base.port) || (base.protocol === 'https:' ? 443 : 80);
  return tracer.startSpan(`${request.method} ${request.operation}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [SPAN_ATTRIBUTES.provider]: provider,
      [SPAN_ATTRIBUTES.operation]: request.operation,
      [SPAN_ATTRIBUTES.attempt]: attempt,
      [ATTR_HTTP_REQUEST_METHOD]: request.method,
      [ATTR_SERVER_ADDRESS]: base.hostname,
      [ATTR_SERVER_PORT]: port,
      ...(attempt > 1 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt - 1 } : {}),
    },
  });
}

/** The request's headers plus the span's W3C trace context (`traceparent`, `tracestate`), so the vendor may join the trace. */
export function withTraceContext(headers: Record<string, string> | undefined, span: Span): Record<string, string> {
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

/** The attempt's outcome: its HTTP status (none when no answer came), and the problem code as error.type with ERROR status. */
export function endUpstreamSpan(span: Span, httpStatus: number, error: GatewayError | undefined, cancelled: boolean): void {
  if (httpStatus > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, httpStatus);
  if (cancelled) span.setAttribute(SPAN_ATTRIBUTES.cancelled, true);
  if (error) {
    span.setAttribute(ATTR_ERROR_TYPE, error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
  }
  span.end();
}
