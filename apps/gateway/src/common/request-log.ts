import type { FastifyRequest } from 'fastify';

interface SourceOutcome {
  provider: string;
  status: string;
  cache: string;
  latencyMs: number;
  error?: Record<string, unknown>;
}

const SOURCES = Symbol('sources');

/** Per-provider outcomes of a request, kept for its one access-log line. */
export function attachSources(request: FastifyRequest, sources: readonly SourceOutcome[]): void {
  (request as unknown as Record<symbol, unknown>)[SOURCES] = sources.map((s) => ({
    provider: s.provider,
    status: s.status,
    cache: s.cache,
    latencyMs: s.latencyMs,
    ...(s.error ? { code: s.error.code } : {}),
  }));
}

export function sourcesOf(request: FastifyRequest): unknown {
  return (request as unknown as Record<symbol, unknown>)[SOURCES];
}
