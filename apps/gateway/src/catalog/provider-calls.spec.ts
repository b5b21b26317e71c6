import { Test } from '@nestjs/testing';
import { CatalogEngine } from '@images/catalog';
import { CallContext, GatewayError, Image, ImageProvider, WriteResult } from '@images/core';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { ProviderDirectory } from '../providers/provider-directory';
import { ProviderCalls } from './provider-calls';

/** A provider whose delete does what the test says: answer, fail, or wait for its signal. */
class DeletingProvider implements ImageProvider {
  readonly id = 'p';
  readonly displayName = 'p';
  readonly capabilities = ['list', 'delete'] as const;
  readonly accountScope = 'scope';
  behaviour: 'ok' | 'fail' | 'hang' = 'ok';
  lastSignal: AbortSignal | null = null;

  async listCatalog(): Promise<Image[]> {
    return [];
  }

  async deleteImage(_id: string, ctx: CallContext): Promise<WriteResult> {
    this.lastSignal = ctx.signal;
    if (this.behaviour === 'fail') throw new GatewayError('CONFLICT', { provider: this.id });
    if (this.behaviour === 'hang') await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    return { image: null, operation: null, accepted: false };
  }
}

describe('ProviderCalls', () => {
  const provider = new DeletingProvider();
  const invalidated: string[] = [];
  const refreshed: string[] = [];
  const warnings: string[] = [];
  let invalidateFails = false;
  let calls: ProviderCalls;

  beforeEach(async () => {
    provider.behaviour = 'ok';
    invalidated.length = 0;
    refreshed.length = 0;
    warnings.length = 0;
    invalidateFails = false;
    const moduleRef = await Test.createTestingModule({
      providers: [
        ProviderCalls,
        { provide: ProviderDirectory, useValue: new ProviderDirectory([provider], new Map(), { warn: () => undefined }) },
        { provide: CatalogEngine, useValue: null },
        { provide: GatewayConfig, useValue: { providerTimeoutMs: 100 } },
        { provide: LOGGER, useValue: null },
      ],
    })
      // The engine and the logger are the collaborators this unit talks to: recording stand-ins.
      .overrideProvider(CatalogEngine)
      .useValue({
        invalidate: async (id: string) => (invalidateFails ? Promise.reject(new Error('redis down')) : void invalidated.push(id)),
        slices: async (ids: string[]) => void refreshed.push(...ids),
      })
      .overrideProvider(LOGGER)
      .useValue({ warn: (_obj: unknown, message: string) => void warnings.push(message) })
      .compile();
    calls = moduleRef.get(ProviderCalls);
  });

  const remove = () => calls.write(provider, 'deleteImage', 'req-1', (deleteImage, ctx) => deleteImage('img', ctx));

  it("invalidates the provider's catalog after a write succeeds, never after it fails", async () => {
    await expect(remove()).resolves.toMatchObject({ accepted: false });
    // And the catalog is fetched again at once, in the background, so its change is learnt without a reader.
    expect([invalidated, refreshed]).toEqual([['p'], ['p']]);
    provider.behaviour = 'fail';
    await expect(remove()).rejects.toMatchObject({ code: 'CONFLICT' });
    expect([invalidated, refreshed]).toEqual([['p'], ['p']]);
  });

  it('keeps a write that succeeded when the cache cannot be told, and says so', async () => {
    invalidateFails = true;
    await expect(remove()).resolves.toMatchObject({ accepted: false });
    expect(warnings).toEqual(['could not invalidate the catalog after a write']);
  });

  it('ends an operation at PROVIDER_TIMEOUT_MS with UPSTREAM_TIMEOUT', async () => {
    provider.behaviour = 'hang';
    const started = performance.now();
    await expect(remove()).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'p', detail: 'p did not answer within 100 ms' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(provider.lastSignal?.aborted).toBe(true);
  });

  it('cuts a read when the caller goes away, and ends the clock once the answer has begun', async () => {
    const cancel = new AbortController();
    await calls.read(provider, 'deleteImage', 'req-2', (deleteImage, ctx) => deleteImage('img', ctx), cancel.signal);
    expect(provider.lastSignal?.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(provider.lastSignal?.aborted).toBe(false);
    cancel.abort(new Error('caller gone'));
    expect(provider.lastSignal?.aborted).toBe(true);
  });

  it('answers 501 for an operation the provider lacks, without calling it', async () => {
    const invoke = jest.fn();
    await expect(calls.write(provider, 'createImage', 'req-3', invoke)).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
    expect(invoke).not.toHaveBeenCalled();
    expect(invalidated).toEqual([]);
  });
});
