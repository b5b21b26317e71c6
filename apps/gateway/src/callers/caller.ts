import { normalizeIp } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { Scope } from '../config/callers-config';

/** Who is calling: a configured API key's name, a JWT's `sub`, or nobody known (AUTH_DISABLED). */
export interface Caller {
  name: string;
  scopes: ReadonlySet<Scope>;
  via: 'api-key' | 'jwt' | 'anonymous';
  /** When the credential stops naming this caller (a JWT's `exp`); none for an API key. */
  expiresAtMs?: number;
}

const CALLER = Symbol('caller');

export function setCaller(request: FastifyRequest, caller: Caller): void {
  (request as unknown as Record<symbol, unknown>)[CALLER] = caller;
}

export function callerOf(request: FastifyRequest): Caller | undefined {
  return (request as unknown as Record<symbol, unknown>)[CALLER] as Caller | undefined;
}

/** One caller, whatever the route: an API key's name and a JWT's `sub` never stand for each other. */
export function callerKey(caller: Caller): string {
  return `${caller.via}:${caller.name}`;
}

/**
 * Whom a limit counts: the caller, or for an anonymous one its address (an IPv6 client by its /64, which it holds
 * whole: one address each would be a fresh budget per address).
 */
export function trackerOf(request: FastifyRequest): string {
  const caller = callerOf(request);
  return caller && caller.via !== 'anonymous' ? callerKey(caller) : `ip:${normalizeIp(request.ip, 64)}`;
}
