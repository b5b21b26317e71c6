import type { FastifyRequest } from 'fastify';
import { asksRefresh, prefersStrictHandling, readFreshness, requestCacheDirectives } from './cache-directives';

describe('requestCacheDirectives', () => {
  it('reads the four directives the gateway honours, in any case and spacing, and ignores the rest', () => {
    expect(requestCacheDirectives(undefined)).toEqual({ noCache: false, onlyIfCached: false });
    expect(requestCacheDirectives(' No-Cache , foo=bar, no-store')).toEqual({ noCache: true, onlyIfCached: false });
    expect(requestCacheDirectives('max-age=30,MAX-STALE=5, only-if-cached')).toEqual({ noCache: false, onlyIfCached: true, maxAgeSeconds: 30, maxStaleSeconds: 5 });
  });

  it('takes a bare max-stale as any staleness, a quoted argument as its number, and the strictest of repeats', () => {
    expect(requestCacheDirectives('max-stale').maxStaleSeconds).toBe(Infinity);
    expect(requestCacheDirectives('max-age="12"').maxAgeSeconds).toBe(12);
    expect(requestCacheDirectives('max-age=40, max-age=10, max-stale, max-stale=7')).toMatchObject({ maxAgeSeconds: 10, maxStaleSeconds: 7 });
    expect(requestCacheDirectives('max-age=99999999999').maxAgeSeconds).toBe(2 ** 31);
  });

  it.each(['max-age', 'max-age=', 'max-age=-1', 'max-age=1.5', 'max-age=soon', 'max-stale=x'])('refuses %j with a 400 naming Cache-Control', (header) => {
    expect(() => requestCacheDirectives(header)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'Cache-Control' })] }));
  });
});

describe('readFreshness', () => {
  it('turns refresh=true, no-cache and max-age=0 into a bypass, and seconds into milliseconds', () => {
    const none = requestCacheDirectives(undefined);
    expect(readFreshness(none, false)).toEqual({ bypassCache: false, onlyIfCached: false, maxAgeMs: undefined, maxStaleMs: undefined });
    expect(readFreshness(none, true).bypassCache).toBe(true);
    expect(readFreshness(requestCacheDirectives('no-cache'), false).bypassCache).toBe(true);
    expect(readFreshness(requestCacheDirectives('max-age=0'), false).bypassCache).toBe(true);
    expect(readFreshness(requestCacheDirectives('max-age=2, max-stale'), false)).toMatchObject({ bypassCache: false, maxAgeMs: 2000, maxStaleMs: Infinity });
  });
});

describe('asksRefresh (what the limits count as a write)', () => {
  const request = (query: Record<string, string>, cacheControl?: string) =>
    ({ query, headers: cacheControl === undefined ? {} : { 'cache-control': cacheControl } }) as unknown as FastifyRequest;

  it('is refresh=true, no-cache, or a max-age under the TTL, unless only-if-cached', () => {
    expect(asksRefresh(request({}), 60)).toBe(false);
    expect(asksRefresh(request({ refresh: 'true' }), 60)).toBe(true);
    expect(asksRefresh(request({}, 'no-cache'), 60)).toBe(true);
    expect(asksRefresh(request({}, 'max-age=59'), 60)).toBe(true);
    expect(asksRefresh(request({}, 'max-age=60'), 60)).toBe(false);
    expect(asksRefresh(request({}, 'max-stale=600'), 60)).toBe(false);
    expect(asksRefresh(request({}, 'no-cache, only-if-cached'), 60)).toBe(false);
    expect(asksRefresh(request({}, 'max-age=soon'), 60)).toBe(false);
  });
});

describe('prefersStrictHandling', () => {
  it.each([
    ['handling=strict', true],
    ['respond-async, Handling = "strict"; x=1', true],
    ['handling=lenient', false],
    ['handling=strictly', false],
    [undefined, false],
  ])('%j → %s', (header, expected) => {
    expect(prefersStrictHandling(header)).toBe(expected);
  });
});
