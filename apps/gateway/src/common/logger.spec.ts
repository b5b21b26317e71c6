import { Writable } from 'node:stream';
import { SecretRedactor } from '@images/core';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { lines, stream };
}

describe('the gateway logger', () => {
  const secret = 'sk-"quoted"\\slash-123';
  const redactor = new SecretRedactor(['tok-abcdef123', secret]);

  it('scrubs credentials from messages, fields and nested errors, even JSON-escaped', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', redactor, stream);
    logger.warn({ header: 'Bearer tok-abcdef123', nested: { sk: secret }, err: new Error('vendor echoed tok-abcdef123') }, 'call with tok-abcdef123 failed');
    const line = lines.join('');
    expect(line).not.toContain('tok-abcdef123');
    expect(line).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(line).toContain('[REDACTED]');
    const parsed = JSON.parse(line);
    expect(parsed.err.message).toBe('vendor echoed [REDACTED]');
    expect(parsed.err.stack).toContain('Error: vendor echoed');
  });

  it('logs a circular object without throwing', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', redactor, stream);
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    expect(() => logger.info({ circular }, 'circular')).not.toThrow();
    expect(lines.join('')).toContain('"[Circular]"');
  });
});
