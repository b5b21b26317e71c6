import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { SecretRedactor } from '@images/core';
import { createLogger, linesAsBuffers } from './logger';

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

  describe('lines as Buffers to sonic-boom', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gateway-log-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const destination = (file: string) => pino.destination({ dest: file, sync: false, contentMode: 'buffer' });
    type Destination = ReturnType<typeof destination>;
    const flushed = (stream: Destination) => new Promise<void>((resolve) => stream.once('ready', () => resolve()));
    // flushSync leaves a write already under way to finish on its own: wait for the writes themselves.
    const closed = (stream: Destination) => new Promise<void>((resolve) => { stream.once('close', () => resolve()); stream.end(); });
    const written = (stream: Destination) => new Promise<void>((resolve) => stream.once('write', () => resolve()));

    it('writes every line whole, multi-byte characters included', async () => {
      const file = join(dir, 'lines.log');
      const stream = destination(file);
      await flushed(stream);
      const logger = createLogger('info', redactor, linesAsBuffers(stream));
      for (let i = 0; i < 500; i++) logger.info({ i, name: 'Ubuntu 22.04 · 镜像 ✓' }, 'request');
      await closed(stream);
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(lines).toHaveLength(500);
      expect(lines[499]).toMatchObject({ i: 499, name: 'Ubuntu 22.04 · 镜像 ✓', msg: 'request' });
    });

    it('stops writing once pino has given up on a broken pipe (EPIPE), instead of piling lines up', async () => {
      const file = join(dir, 'broken.log');
      const stream = destination(file);
      await flushed(stream);
      const logger = createLogger('info', redactor, linesAsBuffers(stream));
      const before = written(stream);
      logger.info('before');
      await before;
      // pino's own handler on its destination turns the stream's write into a no-op.
      stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      logger.info('after');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(readFileSync(file, 'utf8')).toContain('"before"');
      expect(readFileSync(file, 'utf8')).not.toContain('"after"');
    });
  });
});
