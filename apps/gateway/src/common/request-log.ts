import type { FastifyRequest } from 'fastify';

interface SourceOutcome {
  provider: string;
  status: string;
  cache: string;
  latencyMs: number;
  error?: { code?: unknown };
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

const PROBLEM = Symbol('problem');

/** The problem a request was answered with, for its access-log line: its code, the provider that caused it, and for
 * ALL_PROVIDERS_FAILED each provider's outcome. */
export function attachProblem(request: FastifyRequest, problem: { code: string; provider?: string; extensions?: Record<string, unknown> }): void {
  (request as unknown as Record<symbol, unknown>)[PROBLEM] = { code: problem.code, ...(problem.provider ? { provider: problem.provider } : {}) };
  const sources = problem.extensions?.sources;
  if (Array.isArray(sources) && sourcesOf(request) === undefined) attachSources(request, sources as SourceOutcome[]);
}

export function problemOf(request: FastifyRequest): unknown {
  return (request as unknown as Record<symbol, unknown>)[PROBLEM];
}

