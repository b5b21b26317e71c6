import { context, propagation, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

export interface RecordedTracing {
  tracer: Tracer;
  /** For createGatewayApp's `spanProcessor`: every span ended is recorded at once. */
  processor: SimpleSpanProcessor;
  /** The spans ended so far. */
  spans(): ReadableSpan[];
  reset(): void;
}

/**
 * Spans recorded in memory, with the context manager and W3C propagator the gateway registers when tracing is on
 * (process-wide, as the OpenTelemetry API keeps them; each jest spec file has its own).
 */
export function recordedTracing(): RecordedTracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer('test'), processor, spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset() };
}

/** A span's parent span id (the SDK's field moved between versions; the parent's span context is the current one). */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
