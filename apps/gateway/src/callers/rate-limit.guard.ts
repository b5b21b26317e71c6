import { createHash } from 'node:crypto';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerModuleOptions, ThrottlerRequest, ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '@images/core';
import { trackerOf } from './caller';
import { RouteMetadata } from './route-metadata';
import { PUBLIC_ROUTE } from './scopes';

/**
 * @nestjs/throttler's guard, counting per caller across every route (not per route), answering with the IETF
 * `RateLimit-Policy` and `RateLimit` headers on every limited answer, and refusing with the gateway's own 429.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage, reflector: RouteMetadata) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) === true;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return trackerOf(request as unknown as FastifyRequest);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, _throttlerName: string): string {
    // A hash: caller names and addresses stay out of Redis keys.
    return createHash('sha256').update(tracker).digest('base64url');
  }

  protected override async handleRequest({ context, limit, ttl, throttler, blockDuration, getTracker, generateKey }: ThrottlerRequest): Promise<boolean> {
    const { req, res } = this.getRequestResponse(context) as { req: FastifyRequest; res: FastifyReply };
    const name = throttler.name ?? 'requests';
    const record = await this.storageService.increment(generateKey(context, await getTracker(req, context), name), ttl, limit, blockDuration, name);
    const windowSeconds = Math.round(ttl / 1000);
    appendHeader(res, 'RateLimit-Policy', `"${name}";q=${limit};w=${windowSeconds}`);
    appendHeader(res, 'RateLimit', `"${name}";r=${Math.max(0, limit - record.totalHits)};t=${record.timeToExpire}`);
    if (record.isBlocked) {
      throw new GatewayError('RATE_LIMITED', { detail: `over the limit of ${limit} ${name} per ${windowSeconds} s for this caller`, retryAfterSeconds: record.timeToBlockExpire });
    }
    return true;
  }
}

/** Several policies share one header, comma-separated (draft-ietf-httpapi-ratelimit-headers). */
function appendHeader(reply: FastifyReply, name: string, item: string): void {
  const current = reply.getHeader(name);
  reply.header(name, current === undefined ? item : `${String(current)}, ${item}`);
}
