import pino, { Logger } from 'pino';
import { LoggerService } from '@nestjs/common';
import { SecretRedactor } from '@images/core';

/**
 * The one structured JSON logger (pino, the logger Fastify is built around): Fastify, Nest and every provider
 * write through it. Known credential values are scrubbed from every line, whatever field they hide in.
 */
export function createLogger(level: string, redactor: SecretRedactor, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'images-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'req.headers["x-auth-token"]', 'req.headers.cookie'], censor: '[REDACTED]' },
      formatters: { log: (object) => redactor.value(object) },
      hooks: {
        logMethod(args, method) {
          // Messages are scrubbed too: a vendor message may echo what it was sent.
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactor.text(arg) : arg)) as Parameters<typeof method>;
          return method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}

/** Nest's own messages (bootstrap, module init) into the same pino logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) { this.logger.info({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string) { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string) { this.logger.warn({ context }, String(message)); }
  debug(message: unknown, context?: string) { this.logger.debug({ context }, String(message)); }
  verbose(message: unknown, context?: string) { this.logger.trace({ context }, String(message)); }
}
