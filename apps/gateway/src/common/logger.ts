import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { SecretRedactor } from '@images/core';

/**
 * The one structured JSON logger (pino, the logger Fastify is built around): Fastify, Nest and every provider
 * write through it. Each finished line is scrubbed of every known credential value, whatever field, message
 * or error it hides in; objects themselves are left to pino's serializers (errors keep message and stack).
 */
export function createLogger(level: string, redactor: SecretRedactor, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'images-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: ['req.headers.authorization', 'req.headers["x-auth-token"]', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[REDACTED]' },
      hooks: { streamWrite: (line) => redactor.text(line) },
    },
    destination ?? stdoutLines(),
  );
}

/**
 * stdout, asynchronous: lines written while a write is under way go out together in the next one, so a busy replica
 * makes one write per batch, not per line; pino flushes what is left on exit, and stops writing on a broken pipe.
 */
function stdoutLines(): pino.DestinationStream {
  return linesAsBuffers(pino.destination({ dest: 1, sync: false, contentMode: 'buffer' }));
}

/**
 * Each line handed to sonic-boom as a Buffer (its buffer mode). As a string it is appended to the pending batch,
 * which sonic-boom then measures whole again for every line: a copy of up to 16 KB per line under load.
 */
export function linesAsBuffers(destination: pino.DestinationStream): pino.DestinationStream & { flush(done?: (error?: Error) => void): void } {
  // Looked up on every line, not bound once: on EPIPE pino swaps the stream's write for a no-op, and lines must stop
  // there, not pile up behind a write that always fails.
  const stream = destination as unknown as { write(bytes: Buffer): boolean; flush(done?: (error?: Error) => void): void };
  return {
    write: (line: string) => void stream.write(Buffer.from(line)),
    flush: (done) => stream.flush(done),
  };
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
