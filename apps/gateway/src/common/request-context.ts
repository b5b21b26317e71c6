import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The request's id (X-Request-Id), handed to providers for their logs. */
export const RequestId = createParamDecorator((_data: unknown, context: ExecutionContext): string => String(context.switchToHttp().getRequest<FastifyRequest>().id));

/**
 * Aborts when the caller goes away before the answer is complete, so an upstream stream it no longer reads is
 * cut at once instead of being drained into nowhere.
 */
export function callerGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  const onClose = () => {
    if (!response.writableFinished) controller.abort(new Error('the caller closed the connection'));
  };
  if (response.destroyed) onClose();
  else response.once('close', onClose);
  return controller.signal;
}
