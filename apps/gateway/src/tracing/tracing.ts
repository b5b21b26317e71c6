import { context, diag, DiagLogLevel, propagation, type Tracer } from '@opentelemetry/api';
import type { SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { otlpTracesUrl } from './tracing-config';

export const SERVICE_NAME = 'images-gateway';
const SHUTDOWN_FLUSH_MS = 2000;

/**
 * The gateway's tracing: off (no tracer; every hot path skips span work on that one check), or a tracer provider of
 * its own exporting over OTLP/HTTP. Injected by this class token (ConfigModule).
 */
export class GatewayTracing {
  private constructor(
    /** Set only while tracing is on. */
    readonly tracer: Tracer | undefined,
    private readonly provider: TracerProvider | undefined,
  ) {}

  static readonly OFF = new GatewayTracing(undefined, undefined);

  /**
   * On when OTEL_EXPORTER_OTLP_ENDPOINT is set, or when a test hands its own span processor (an in-memory exporter).
   * The context manager (AsyncLocalStorage) and the W3C propagator are process-wide, as the OpenTelemetry API keeps
   * them; the tracer provider is not registered globally: the gateway's code gets its tracer from here.
   */
  static start(endpoint: string | null, logger: Logger, spanProcessor?: SpanProcessor): GatewayTracing {
    if (endpoint === null && !spanProcessor) return GatewayTracing.OFF;
    // Loaded only now: off, the SDK costs no start-up time (~100 ms) and no memory (~16 MiB RSS).
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
    const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
    const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    // The SDK's own troubles (an unreachable collector) in the gateway's log, once per failed export at most.
    diag.setLogger({
      error: (message) => logger.warn({ component: 'tracing' }, message),
      warn: (message) => logger.warn({ component: 'tracing' }, message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    }, DiagLogLevel.WARN);
    const processors = spanProcessor ? [spanProcessor] : [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: otlpTracesUrl(endpoint!) }) })];
    const provider = new TracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME }), spanProcessors: processors });
    return new GatewayTracing(provider.getTracer(SERVICE_NAME), provider);
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * Nest calls it once the listener is closed: the spans still queued are exported, for SHUTDOWN_FLUSH_MS at most (a
   * hung collector must not eat the shutdown's grace period).
   */
  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS)));
    await Promise.race([this.provider.shutdown().catch(() => undefined), givenUp]);
    clearTimeout(timer);
  }
}

