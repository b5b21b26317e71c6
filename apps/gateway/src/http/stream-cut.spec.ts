import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import Fastify, { FastifyInstance } from 'fastify';
import { StreamCut, onStreamCut } from './stream-cut';

// A real Fastify server on loopback: a streamed answer ended by the caller, by its source, or sent to the end.
describe('onStreamCut', () => {
  let server: FastifyInstance;
  let base: string;
  const cuts: StreamCut[] = [];
  const sources: PassThrough[] = [];

  beforeAll(async () => {
    server = Fastify();
    server.addHook('onSend', (_request, reply, payload, done) => {
      onStreamCut(reply, payload, (why) => cuts.push(why));
      done(null, payload);
    });
    server.get('/stream', (_request, reply) => {
      const source = new PassThrough();
      sources.push(source);
      source.write('first\n');
      return reply.send(source);
    });
    server.get('/json', async () => ({ ok: true }));
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    cuts.length = 0;
    sources.length = 0;
  });

  /** Opens /stream on a socket of its own and resolves once its first bytes came. */
  const openStream = () =>
    new Promise<{ cut: () => void; ended: Promise<void> }>((resolve) => {
      const outgoing = request(`${base}/stream`, { agent: false }, (response) => {
        const ended = new Promise<void>((done) => response.on('close', done).on('error', done as never));
        response.once('data', () => resolve({ cut: () => outgoing.destroy(), ended }));
      });
      outgoing.on('error', () => undefined);
      outgoing.end();
    });
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('tells a stream the caller cut, once', async () => {
    const stream = await openStream();
    stream.cut();
    await until(() => cuts.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cuts).toEqual(['caller']);
  });

  it('tells a stream whose source failed after the headers went', async () => {
    const stream = await openStream();
    sources[0].destroy(new Error('vendor connection reset'));
    await stream.ended;
    await until(() => cuts.length > 0);
    expect(cuts).toEqual(['source']);
  });

  it('says nothing of a stream sent to its end, nor of an answer that is not a stream', async () => {
    const stream = await openStream();
    sources[0].end('last\n');
    await stream.ended;
    expect((await fetch(`${base}/json`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cuts).toEqual([]);
  });
});
