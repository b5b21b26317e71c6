import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, from, lastValueFrom } from 'rxjs';
import { GatewayError } from '@images/core';
import { callerKey, callerOf } from '../callers/caller';
import { validationFailed } from '../common/validation';
import { IdempotencyStore, StoredAnswer, sha256 } from './idempotency.store';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on a replayed answer, so a caller (and a test) can tell it from a first one. */
export const REPLAYED_HEADER = 'idempotent-replayed';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const IDEMPOTENCY_HEADER_DOC = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  schema: { type: 'string' as const, minLength: 1, maxLength: 255 },
  description:
    'Answer this POST once: a retry with the same key and body within 24 h gets the first answer again (with the header Idempotent-Replayed: true) ' +
    'and causes no second vendor call; the same key with another request, or while the first is still running, is 409 CONFLICT. ' +
    'Failed requests are not kept, so they may be retried with the same key. Upload details (no-store) are never kept: a retry runs again.',
};

/**
 * Every POST that carries an Idempotency-Key is answered once (API.md section 7). The first request claims the
 * key; its 2xx answer (status, Location, body) is kept for 24 h and replayed; a failure frees the key.
 * A `Cache-Control: no-store` answer (upload credentials) is never kept, only the fact that the key was used.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw validationFailed([{ field: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' }]);
    }
    const run = () => lastValueFrom(next.handle(), { defaultValue: undefined });
    return from(this.answerOnce(callerScoped(request, header), fingerprint(request), http.getResponse<FastifyReply>(), run));
  }

  private async answerOnce(key: string, requestFingerprint: string, reply: FastifyReply, run: () => Promise<unknown>): Promise<unknown> {
    const claim = await this.store.claim(key, requestFingerprint);
    switch (claim.outcome) {
      case 'replay':
        return replay(reply, claim.answer);
      case 'mismatch':
        throw new GatewayError('CONFLICT', { detail: 'this Idempotency-Key was already used with another request (method, path or body); use a new key for a new request' });
      case 'in-flight':
        throw new GatewayError('CONFLICT', { detail: 'a request with this Idempotency-Key is still in progress; retry once it has finished', retryable: true });
      case 'repeat':
        return run();
      case 'claimed': {
        let value: unknown;
        try {
          value = await run();
        } catch (error) {
          await this.store.release(claim.lease);
          throw error;
        }
        if (reply.statusCode < 200 || reply.statusCode > 299) await this.store.release(claim.lease);
        else await this.store.complete(claim.lease, isNoStore(reply) ? null : capture(reply, value));
        return value;
      }
    }
  }
}

/** Keys are per caller: the same key from two callers is two keys (one caller cannot replay another's answer). */
function callerScoped(request: FastifyRequest, key: string): string {
  const caller = callerOf(request);
  return caller && caller.via !== 'anonymous' ? `${callerKey(caller)}\n${key}` : key;
}

/** The request the key stands for: method, path and query, and the body (key order does not matter). */
function fingerprint(request: FastifyRequest): string {
  return sha256(`${request.method} ${request.url}\n${canonicalJson(request.body)}`);
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    return `{${entries.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function isNoStore(reply: FastifyReply): boolean {
  return /(^|,)\s*no-store\s*(,|$)/i.test(String(reply.getHeader('cache-control') ?? ''));
}

function capture(reply: FastifyReply, value: unknown): StoredAnswer {
  const location = reply.getHeader('location');
  const body = value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
  return {
    status: reply.statusCode,
    headers: {
      ...(location !== undefined ? { location: String(location) } : {}),
      ...(body !== null ? { 'content-type': String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8') } : {}),
    },
    body,
  };
}

/** The first answer again; the body is sent as the exact bytes first sent. */
function replay(reply: FastifyReply, answer: StoredAnswer): string | undefined {
  reply.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  reply.header(REPLAYED_HEADER, 'true');
  return answer.body ?? undefined;
}

/**
 * On every POST route (a test checks that none lacks it): the route honours Idempotency-Key. Not a global interceptor:
 * reads then pay for no interceptor chain at all.
 */
export const AnswersOnce = (): MethodDecorator => UseInterceptors(IdempotencyInterceptor);
