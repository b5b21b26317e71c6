import { SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { SPAN_ATTRIBUTES, Tracer } from '@images/core';
import type { CatalogSlice } from './engine-types';

/**
 * One provider's slice as a span, active while the slice runs so its upstream calls are its children. A slice that
 * failed (status error) is an ERROR span with the problem code; a stale one served an older catalog, so it keeps its
 * status and carries the code of the failure it covered.
 */
export function tracedSlice(tracer: Tracer, providerId: string, run: () => Promise<CatalogSlice>): Promise<CatalogSlice> {
  return tracer.startActiveSpan(`slice ${providerId}`, { attributes: { [SPAN_ATTRIBUTES.provider]: providerId } }, async (span) => {
    try {
      const slice = await run();
      span.setAttributes({ [SPAN_ATTRIBUTES.sliceStatus]: slice.status, [SPAN_ATTRIBUTES.cache]: slice.cache });
      if (slice.error) span.setAttribute(ATTR_ERROR_TYPE, slice.error.code);
      if (slice.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: slice.error?.code });
      return slice;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active slice joined a fetch already under way (in this replica or another): the vendor calls are under the slice that started it. */
export function markCoalesced(tracer: Tracer | undefined): void {
  if (tracer) trace.getActiveSpan()?.setAttribute(SPAN_ATTRIBUTES.coalesced, true);
}
