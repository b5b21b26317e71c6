import { CallContext, GatewayError, Image } from '@images/core';
import { BASE_OPTIONS, FakeProvider, buildEngine, catalogOf, read, settle, upstream, useFakeClock } from './engine-spec-support';

/** A provider with an exact lookup (like CECSTACK's detail call); each test scripts what the lookup does. */
class LookupProvider extends FakeProvider {
  readonly lookups: Array<{ id: string; ctx: CallContext }> = [];
  lookup: (id: string, ctx: CallContext) => Promise<Image | null> = async (id) => ({ ...catalogOf(this.id, 'lookup')[0], providerImageId: id });

  getImage(providerImageId: string, ctx: CallContext): Promise<Image | null> {
    this.lookups.push({ id: providerImageId, ctx });
    return this.lookup(providerImageId, ctx);
  }
}

const tagOfImage = (image: Image | null) => image?.extra.tag;

describe('CatalogEngine.image on a fake clock', () => {
  const clock = useFakeClock();

  describe('a provider with an exact lookup', () => {
    it('asks the lookup, not the catalog, inside a budget of providerTimeoutMs that carries the request id', async () => {
      const a = new LookupProvider('a');
      const { engine } = buildEngine([a]);
      const image = await engine.image('a', '7', 'req-1');
      expect(image).toMatchObject({ providerImageId: '7', extra: { tag: 'lookup' } });
      expect(a.calls).toHaveLength(0);
      expect(a.lookups).toHaveLength(1);
      expect(a.lookups[0].id).toBe('7');
      expect(a.lookups[0].ctx.requestId).toBe('req-1');
      expect(a.lookups[0].ctx.deadline).toBe(clock.perf0() + BASE_OPTIONS.providerTimeoutMs);
    });

    it('hands back null when the lookup finds nothing, without reading the catalog', async () => {
      const a = new LookupProvider('a');
      a.lookup = async () => null;
      const { engine } = buildEngine([a]);
      expect(await engine.image('a', '0')).toBeNull();
      expect(a.calls).toHaveLength(0);
    });

    it('stops the budget once the lookup has answered: its signal never aborts afterwards', async () => {
      const a = new LookupProvider('a');
      const { engine } = buildEngine([a]);
      await engine.image('a', '1');
      await clock.to(BASE_OPTIONS.providerTimeoutMs * 2);
      expect(a.lookups[0].ctx.signal.aborted).toBe(false);
    });

    it('aborts the lookup signal with UPSTREAM_TIMEOUT when the budget runs out', async () => {
      const a = new LookupProvider('a');
      a.lookup = (_id, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      a.answerWith('hang');
      const { engine } = buildEngine([a]);
      const pending = engine.image('a', '1').catch((e: unknown) => e);
      await clock.to(BASE_OPTIONS.providerTimeoutMs - 1);
      expect(a.lookups[0].ctx.signal.aborted).toBe(false);
      await clock.to(BASE_OPTIONS.providerTimeoutMs);
      expect(a.lookups[0].ctx.signal.aborted).toBe(true);
      expect((a.lookups[0].ctx.signal.reason as GatewayError).code).toBe('UPSTREAM_TIMEOUT');
      // A timeout is retryable: the catalog is asked next, and it hangs too, so the slice budget ends it.
      await clock.to(BASE_OPTIONS.providerTimeoutMs * 2);
      await expect(pending).resolves.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    });

    it('falls back to the catalog when the lookup fails with a retryable error and the catalog holds the image', async () => {
      const a = new LookupProvider('a');
      a.lookup = async () => { throw upstream('UPSTREAM_UNAVAILABLE'); };
      const { engine } = buildEngine([a]);
      const image = await engine.image('a', '1');
      expect(image).toMatchObject({ providerImageId: '1' });
      expect(tagOfImage(image)).toBe('a#1');
      expect(a.calls).toHaveLength(1);
    });

    it('serves the cached catalog, even stale, when the lookup fails with a retryable error', async () => {
      const a = new LookupProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      await clock.to(BASE_OPTIONS.cacheTtlSeconds * 1000 + 1);
      a.lookup = async () => { throw upstream('RATE_LIMITED'); };
      a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
      expect(tagOfImage(await engine.image('a', '0'))).toBe('a#1');
    });

    it('throws the lookup error, not "not found", when the catalog lacks the image', async () => {
      const a = new LookupProvider('a');
      const failure = upstream('UPSTREAM_TIMEOUT');
      a.lookup = async () => { throw failure; };
      const { engine } = buildEngine([a]);
      await expect(engine.image('a', 'missing')).rejects.toBe(failure);
    });

    it('throws the lookup error when the catalog fails as well', async () => {
      const a = new LookupProvider('a');
      const failure = upstream('UPSTREAM_ERROR');
      a.lookup = async () => { throw failure; };
      a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
      const { engine } = buildEngine([a]);
      await expect(engine.image('a', '1')).rejects.toBe(failure);
    });

    it('throws a final vendor answer (FORBIDDEN) at once, without reading the catalog', async () => {
      const a = new LookupProvider('a');
      const failure = upstream('FORBIDDEN');
      a.lookup = async () => { throw failure; };
      const { engine } = buildEngine([a]);
      await expect(engine.image('a', '1')).rejects.toBe(failure);
      expect(a.calls).toHaveLength(0);
    });

    it('throws a plain error (a bug) as is, without reading the catalog', async () => {
      const a = new LookupProvider('a');
      const bug = new TypeError('cannot read id of undefined');
      a.lookup = async () => { throw bug; };
      const { engine } = buildEngine([a]);
      await expect(engine.image('a', '1')).rejects.toBe(bug);
      expect(a.calls).toHaveLength(0);
    });

    it('skips the lookup while the circuit is open and answers from the cached catalog', async () => {
      const a = new LookupProvider('a');
      const { engine } = buildEngine([a], { circuitFailureThreshold: 1 });
      await read(engine);
      a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
      await read(engine, 'a', true);
      expect(engine.circuitOpen('a')).toBe(true);
      const image = await engine.image('a', '1');
      expect(tagOfImage(image)).toBe('a#1');
      expect(a.lookups).toHaveLength(0);
    });
  });

  describe('a provider without one', () => {
    it('finds the image in the catalog by its provider image id', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      expect(await engine.image('a', '1')).toMatchObject({ id: 'a:1', providerImageId: '1', extra: { tag: 'a#1' } });
      expect(await engine.image('a', '0')).toMatchObject({ id: 'a:0', providerImageId: '0' });
    });

    it('is null for an id the catalog does not hold', async () => {
      const { engine } = buildEngine([new FakeProvider('a')]);
      expect(await engine.image('a', '9')).toBeNull();
    });

    it('throws the slice error when the catalog cannot be had', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_UNAVAILABLE'));
      const { engine } = buildEngine([a]);
      await expect(engine.image('a', '1')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'a' });
    });
  });

  it('refuses a provider it does not run', async () => {
    const { engine } = buildEngine([new FakeProvider('a')]);
    await expect(engine.image('zz', '1')).rejects.toThrow('unknown provider zz');
    await settle();
  });
});

describe('CatalogEngine providers', () => {
  it('lists its providers in the order given and finds each by id', () => {
    const [a, b] = [new FakeProvider('a'), new FakeProvider('b')];
    const { engine } = buildEngine([a, b]);
    expect(engine.providerIds).toEqual(['a', 'b']);
    expect(engine.provider('b')).toBe(b);
    expect(engine.provider('zz')).toBeUndefined();
    expect(engine.circuitOpen('zz')).toBe(false);
  });

  it('describes each provider by id, display name and capabilities', () => {
    const { engine } = buildEngine([new FakeProvider('a')]);
    expect(engine.states()).toEqual([expect.objectContaining({ id: 'a', displayName: 'Fake a', capabilities: ['list'] })]);
  });
});
