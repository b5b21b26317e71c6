import { pooledAgents, upstreamAxiosConfig } from './axios-config';

describe('pooledAgents', () => {
  it('makes keep-alive agents of `size` sockets, reusing the most recent free one first', () => {
    const { httpAgent, httpsAgent } = pooledAgents(3);
    for (const agent of [httpAgent, httpsAgent]) {
      const options = agent as unknown as { keepAlive: boolean; maxSockets: number; maxFreeSockets: number; scheduling: string };
      expect([options.keepAlive, options.maxSockets, options.maxFreeSockets, options.scheduling]).toEqual([true, 3, 3, 'lifo']);
    }
    expect((httpsAgent as unknown as { protocol: string }).protocol).toBe('https:');
  });
});

describe('upstreamAxiosConfig', () => {
  it('sizes the pool, at least one socket, and sets a timeout only when given one', () => {
    const config = upstreamAxiosConfig({ maxSockets: 0 });
    expect(config.httpAgent.maxSockets).toBe(1);
    expect(config.httpsAgent.maxSockets).toBe(1);
    expect('timeout' in config).toBe(false);
    expect(upstreamAxiosConfig({ maxSockets: 5, timeoutMs: 0 }).timeout).toBe(0);
    expect(upstreamAxiosConfig({ maxSockets: 5, timeoutMs: 1500 })).toMatchObject({ timeout: 1500, httpAgent: { maxSockets: 5 } });
  });
});
