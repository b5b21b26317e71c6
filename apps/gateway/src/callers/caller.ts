import type { FastifyRequest } from 'fastify';
import type { Scope } from '../config/callers-config';

/** Who is calling: a configured API key's name, a JWT's `sub`, or nobody known (AUTH_DISABLED). */
export interface Caller {
  name: string;
  scopes: ReadonlySet<Scope>;
  via: 'api-key' | 'jwt' | 'anonymous';
}

const CALLER = Symbol('caller');

export function setCaller(request: FastifyRequest, caller: Caller): void {
  (request as unknown as Record<symbol, unknown>)[CALLER] = caller;
}

export function callerOf(request: FastifyRequest): Caller | undefined {
  return (request as unknown as Record<symbol, unknown>)[CALLER] as Caller | undefined;
}

/** Whom a limit counts: the caller's name, or the remote address for an anonymous caller. */
export function trackerOf(request: FastifyRequest): string {
  const caller = callerOf(request);
  return caller && caller.via !== 'anonymous' ? `caller:${caller.name}` : `ip:${request.ip}`;
}
