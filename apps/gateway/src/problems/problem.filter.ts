import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { GatewayError, ProblemCode, SecretRedactor, isGatewayError } from '@images/core';
import { attachProblem } from '../common/request-log';
import { LOGGER } from '../config/config.module';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The one place errors become answers: every exception, ours or the framework's, is rendered as RFC 9457
 * problem+json with a section-6 code. Anything unexpected is INTERNAL and discloses nothing but the request id.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly redactor: SecretRedactor,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = this.toGatewayError(exception, request);
    sendProblem(reply, request, error, this.redactor);
  }

  private toGatewayError(exception: unknown, request: FastifyRequest): GatewayError {
    if (isGatewayError(exception)) return exception;
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (isClientError(exception)) return frameworkError(exception);
    this.logger.error({ reqId: request.id, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) }, 'unhandled error');
    return new GatewayError('INTERNAL', { detail: 'An unexpected error occurred; report the request id.' });
  }
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: GatewayError, redactor: SecretRedactor): void {
  attachProblem(request, error);
  // The path only: a query can carry what a caller would not want echoed or logged. Assigned onto the fresh problem,
  // not spread into a literal: Node 20 would give every such page a hidden class of its own (images.service.ts, listAnswer).
  const body = redactor.value(Object.assign(error.toProblem(), { instance: request.url.split('?', 1)[0], requestId: String(request.id) }));
  if (error.retryAfterSeconds !== undefined && (error.status === 429 || error.status === 503)) {
    reply.header('Retry-After', String(error.retryAfterSeconds));
  }
  // RFC 6750: a 401 says how to authenticate.
  if (error.code === 'UNAUTHENTICATED') reply.header('WWW-Authenticate', 'Bearer realm="images-gateway"');
  reply.status(error.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Fastify's own errors (they carry `statusCode`), mapped like Nest's HTTP exceptions. */
/** Fastify's words for these repeat the request's URL, query included: ours do not. */
const FIXED_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'the URL is not valid (bad percent-encoding)',
};

export function frameworkError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  if (isClientError(error)) {
    const status = error.statusCode;
    const fixed = status === 414 ? 'the request URI is too long' : FIXED_DETAILS[(error as { code?: string }).code ?? ''];
    return new GatewayError(codeForStatus(status), { detail: fixed ?? String(error.message ?? '').slice(0, 200) });
  }
  return new GatewayError('INTERNAL', { detail: 'An unexpected error occurred; report the request id.' });
}

function isClientError(error: unknown): error is { statusCode: number; message?: string } {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Framework exceptions (unknown route, bad JSON body, payload too large, …) mapped onto our codes. */
function fromHttpException(exception: HttpException): GatewayError {
  const status = exception.getStatus();
  const code = codeForStatus(status);
  const response = exception.getResponse();
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const detail = code === 'INTERNAL' ? undefined : Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return new GatewayError(code, { detail });
}

function codeForStatus(status: number): ProblemCode {
  return (
    status === 404 ? 'NOT_FOUND'
    : status === 401 ? 'UNAUTHENTICATED'
    : status === 403 ? 'FORBIDDEN'
    : status === 409 ? 'CONFLICT'
    : status === 413 ? 'PAYLOAD_TOO_LARGE'
    : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE'
    : status === 429 ? 'RATE_LIMITED'
    : status === 501 ? 'UNSUPPORTED_OPERATION'
    : status >= 400 && status < 500 ? 'VALIDATION_FAILED'
    : 'INTERNAL');
}
