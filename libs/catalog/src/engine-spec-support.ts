/**
 * Shared fakes for the fake-timer specs of CatalogEngine (engine-*.spec.ts): a scriptable provider, an engine
 * builder that records what the observer hears, a clock helper and in-memory stand-ins for the cache and leases
 * that several replicas share. No Redis, no real waiting: every helper runs on jest's modern fake timers.
 * Not a spec, so the gateway build (tsconfig.app.json compiles every libs file but the specs) takes it too: it imports
 * nothing from test/ and declares the jest types it uses itself.
 */
import { CallContext, GatewayError, Image, ImageProvider, ProviderLogger } from '@images/core';
import { CatalogStore, MemoryCatalogStore } from './catalog-store';
import { CatalogCoordination } from './coordination';
import { CatalogEngine, CatalogSlice, EngineOptions } from './engine';

/** A fixed wall-clock origin, so ISO timestamps in assertions are exact. */
export const EPOCH = Date.UTC(2030, 0, 2, 3, 4, 5, 678);

export const BASE_OPTIONS: EngineOptions = {
  cacheTtlSeconds: 60,
  cacheStaleSeconds: 600,
  providerTimeoutMs: 5000,
  circuitFailureThreshold: 3,
  circuitHalfOpenAfterMs: 4200,
  keyPrefix: 'clock:',
};

/** Two images per catalog; `extra.tag` names the fetch that produced them (e.g. `a#2`: provider a's second call). */
export function catalogOf(provider: string, tag: string): Image[] {
  return [0, 1].map((n) => ({
    id: `${provider}:${n}`, provider, providerImageId: String(n), name: `img-${n}`, description: null, status: 'available', providerStatus: null,
    visibility: 'public', osType: 'linux', platform: null, osVersion: null, architecture: null, bits: null, diskFormat: null,
    sizeBytes: null, minDiskGiB: null, minRamMiB: null, regions: [], createdAt: null, updatedAt: null, extra: { tag },
  }));
}

/** Which fetch the served images came from; undefined when none were served. */
export function tagOf(slice: CatalogSlice): unknown {
  return slice.images[0]?.extra.tag;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A promise whose state the test can look at without awaiting it. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly value: T | undefined } {
  const state: { settled: boolean; value: T | undefined } = { settled: false, value: undefined };
  promise.then((value) => Object.assign(state, { settled: true, value }), () => Object.assign(state, { settled: true }));
  return state;
}

export interface ProviderCall {
  n: number;
  tag: string;
  ctx: CallContext;
  /** Date.now() and performance.now() when the call arrived. */
  at: number;
  perfAt: number;
  answer: Deferred<Image[]>;
}

/**
 * What the next calls do: answer at once (`ok`), wait for the test to answer (`manual`), never settle whatever the
 * signal says (`hang`), throw (`{ throws }`), or run a script.
 */
export type Behaviour = 'ok' | 'manual' | 'hang' | { throws: unknown } | ((ctx: CallContext, call: ProviderCall) => Promise<Image[]>);

export class FakeProvider implements ImageProvider {
  readonly displayName: string;
  readonly capabilities = ['list'] as const;
  readonly calls: ProviderCall[] = [];
  private behaviour: Behaviour = 'ok';

  /** `label` tags the catalogs (two replicas' providers share `id` and `accountScope`, so one cache key, but not the label). */
  constructor(readonly id = 'a', readonly label = id, readonly accountScope = 'acct-1') {
    this.displayName = `Fake ${id}`;
  }

  answerWith(behaviour: Behaviour): this {
    this.behaviour = behaviour;
    return this;
  }

  failWith(error: unknown): this {
    return this.answerWith({ throws: error });
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const n = this.calls.length + 1;
    const call: ProviderCall = { n, tag: `${this.label}#${n}`, ctx, at: Date.now(), perfAt: performance.now(), answer: deferred<Image[]>() };
    this.calls.push(call);
    const behaviour = this.behaviour;
    if (behaviour === 'ok') return catalogOf(this.id, call.tag);
    if (behaviour === 'manual') return call.answer.promise;
    if (behaviour === 'hang') return new Promise<Image[]>(() => undefined);
    if (typeof behaviour === 'function') return behaviour(ctx, call);
    throw behaviour.throws;
  }

  /** Answers the n-th (1-based; default the last) manual call with its catalog. */
  resolve(n = this.calls.length): void {
    const call = this.calls[n - 1];
    call.answer.resolve(catalogOf(this.id, call.tag));
  }

  reject(n: number, error: unknown): void {
    this.calls[n - 1].answer.reject(error);
  }
}

export function upstream(code: GatewayError['code'], provider = 'a'): GatewayError {
  return new GatewayError(code, { provider, detail: `scripted ${code}` });
}

/** Answers after `ms` of (fake) time. */
export function after(ms: number, provider = 'a'): Behaviour {
  return (_ctx, call) => new Promise((resolve) => setTimeout(() => resolve(catalogOf(provider, call.tag)), ms));
}

export interface Built {
  engine: CatalogEngine;
  store: CatalogStore;
  slices: CatalogSlice[];
  circuits: string[];
  fetches: Array<{ provider: string; durationMs: number; code?: string }>;
  logLines: string[];
}

export function buildEngine(
  providers: FakeProvider[],
  options: Partial<EngineOptions> = {},
  store: CatalogStore = new MemoryCatalogStore(),
  coordination?: CatalogCoordination,
): Built {
  const built: Omit<Built, 'engine'> = { store, slices: [], circuits: [], fetches: [], logLines: [] };
  const log = (level: string) => (fields: Record<string, unknown>, msg: string) => void built.logLines.push(JSON.stringify({ level, msg, ...fields }));
  const logger: ProviderLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const observer = {
    onSlice: (slice: CatalogSlice) => built.slices.push(slice),
    onCircuitChange: (provider: string, state: string) => built.circuits.push(`${provider}:${state}`),
    onFetch: (provider: string, durationMs: number, error?: GatewayError) => built.fetches.push({ provider, durationMs, code: error?.code }),
  };
  const engine = new CatalogEngine(providers, store, { ...BASE_OPTIONS, ...options }, observer, logger, coordination);
  return { engine, ...built };
}

export async function read(engine: CatalogEngine, id = 'a', bypassCache = false): Promise<CatalogSlice> {
  const [slice] = await engine.slices([id], { bypassCache });
  return slice;
}

/** Lets every pending promise chain run (one real turn of the event loop inside the fake clock). */
export function settle(): Promise<void> {
  return jest.advanceTimersByTimeAsync(0);
}

/**
 * Installs modern fake timers around each test of the enclosing describe, with the wall clock at EPOCH.
 * `to(ms)` moves time forward to EPOCH + ms, running every timer due on the way.
 */
export function useFakeClock(): { to(ms: number): Promise<void>; perf0(): number } {
  let perfStart = 0;
  // Nothing here waits for real: a test still running after 5 s is awaiting an answer a broken engine never gives.
  jest.setTimeout(5000);
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(EPOCH);
    perfStart = performance.now();
  });
  afterEach(async () => {
    // Let what the test left running reach its next fake timer, then drop them all: nothing carries on real timers.
    await jest.advanceTimersByTimeAsync(0);
    jest.clearAllTimers();
    jest.useRealTimers();
  });
  return {
    async to(ms: number) {
      const step = EPOCH + ms - Date.now();
      if (step < 0) throw new Error(`the clock is already past ${ms} ms`);
      await jest.advanceTimersByTimeAsync(step);
    },
    perf0: () => perfStart,
  };
}

// The store doubles live in store-spec-support.ts; re-exported so every engine spec imports from one place.
export { KeepingStore, ReplicaStore, SlowReadStore } from './store-spec-support';

/** The leases and invalidation channel every replica shares (what Redis is to RedisCoordination). */
export class LeaseHub {
  readonly leases = new Map<string, { token: string; expiresAt: number }>();
  readonly acquired: Array<{ replica: string; key: string; leaseMs: number }> = [];
  readonly renewed: Array<{ replica: string; at: number; leaseMs: number }> = [];
  readonly listeners: Array<(key: string) => void> = [];

  held(key: string): boolean {
    const lease = this.leases.get(key);
    return lease !== undefined && lease.expiresAt > Date.now();
  }

  /** A replica outside the test takes the lease and never renews nor releases it: it died mid-fetch. */
  takeAndDie(key: string, leaseMs: number): void {
    this.leases.set(key, { token: 'dead-replica', expiresAt: Date.now() + leaseMs });
  }

  replica(name: string): FakeCoordination {
    return new FakeCoordination(this, name);
  }
}

export class FakeCoordination implements CatalogCoordination {
  readonly shared = true;
  private issued = 0;
  constructor(private readonly hub: LeaseHub, readonly name: string) {}

  async acquire(key: string, leaseMs: number): Promise<string | null> {
    if (this.hub.held(key)) return null;
    const token = `${this.name}:${++this.issued}`;
    this.hub.leases.set(key, { token, expiresAt: Date.now() + leaseMs });
    this.hub.acquired.push({ replica: this.name, key, leaseMs });
    return token;
  }
  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const lease = this.hub.leases.get(key);
    if (!lease || lease.token !== token || lease.expiresAt <= Date.now()) return false;
    this.hub.renewed.push({ replica: this.name, at: Date.now(), leaseMs });
    lease.expiresAt = Date.now() + leaseMs;
    return true;
  }
  async release(key: string, token: string): Promise<void> {
    if (this.hub.leases.get(key)?.token === token) this.hub.leases.delete(key);
  }
  async isHeld(key: string): Promise<boolean> {
    return this.hub.held(key);
  }
  async publishInvalidation(key: string): Promise<void> {
    for (const listener of this.hub.listeners) listener(key);
  }
  onInvalidation(listener: (key: string) => void): void {
    this.hub.listeners.push(listener);
  }
  async close(): Promise<void> {}
}

/** A provider with an exact lookup that answers from its own table (pending where told) and counts its calls. */
export class LookupProvider extends FakeProvider {
  override readonly capabilities = ['list', 'get'] as never;
  lookups: string[] = [];
  pending = new Set<string>();
  lookupFailure: GatewayError | null = null;

  override async listCatalog(ctx: CallContext): Promise<Image[]> {
    const images = await super.listCatalog(ctx);
    return images.map((image) => (this.pending.has(image.providerImageId) ? { ...image, status: 'pending' as const } : image));
  }

  async getImage(providerImageId: string): Promise<Image | null> {
    this.lookups.push(providerImageId);
    if (this.lookupFailure) throw this.lookupFailure;
    return catalogOf(this.id, 'lookup').find((image) => image.providerImageId === providerImageId) ?? null;
  }
}
