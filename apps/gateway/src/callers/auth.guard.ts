import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage, normalizeIp } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { GatewayError, isGatewayError } from '@images/core';
import { SCOPES, Scope } from '../config/callers-config';
import { GatewayConfig } from '../config/gateway-config';
import { Authenticator } from './authenticator';
import { Caller, setCaller } from './caller';
import { RouteMetadata } from './route-metadata';
import { PUBLIC_ROUTE, REQUIRED_SCOPE, STREAM_TICKET_ROUTE } from './scopes';
import { StreamTickets } from './stream-tickets';

/** With AUTH_DISABLED nobody is checked: every caller is anonymous with every scope. */
const ANONYMOUS: Caller = { name: 'anonymous', scopes: new Set(SCOPES), via: 'anonymous' };

/**
 * Every route needs a known caller with the route's scope, but for the public ones (probes, problem pages). A route
 * that declares neither needs `ops`: a route added without thought is closed, not open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: RouteMetadata,
    private readonly authenticator: Authenticator,
    private readonly config: GatewayConfig,
    private readonly tickets: StreamTickets,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.config.callers.disabled) {
      setCaller(request, ANONYMOUS);
      return true;
    }
    const required = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? 'ops';
    try {
      const ticket = this.reflector.getAllAndOverride<boolean>(STREAM_TICKET_ROUTE, targets) ? ticketOf(request) : null;
      setCaller(request, ticket === null ? await this.authenticator.authorize(request.headers, required) : await this.fromTicket(ticket, required));
    } catch (error) {
      if (isGatewayError(error) && error.code === 'UNAUTHENTICATED') await this.countFailure(request);
      throw error;
    }
    return true;
  }

  /** The caller a stream ticket stands for, with the route's scope; refused like an unknown key. */
  private async fromTicket(ticket: string, required: Scope): Promise<Caller> {
    const named = await this.tickets.redeem(ticket);
    const caller = named && this.authenticator.recall(named);
    if (!caller) throw new GatewayError('UNAUTHENTICATED', { detail: 'the stream ticket is unknown or expired: ask POST /events/tickets for a new one' });
    return this.authenticator.permit(caller, required);
  }

  /**
   * Refused credentials count against the address they came from, in the same windows as the limits: guessing keys
   * soon becomes a 429, and an unknown caller is never counted as a known one.
   */
  private async countFailure(request: FastifyRequest): Promise<void> {
    const limit = this.config.limits.requestsPerMinute;
    if (limit === 0) return;
    const record = await this.storage.increment(`ip:${normalizeIp(request.ip, 64)}`, 60_000, limit, 60_000, 'auth-failures');
    if (record.isBlocked) throw new GatewayError('RATE_LIMITED', { detail: `over ${limit} refused credentials per minute from this address`, retryAfterSeconds: record.timeToBlockExpire });
  }
}

/** `?ticket=` when the request sends no key or token of its own (those always win). */
function ticketOf(request: FastifyRequest): string | null {
  if (request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined) return null;
  const ticket = (request.query as Record<string, unknown> | undefined)?.ticket;
  return typeof ticket === 'string' ? ticket : null;
}
