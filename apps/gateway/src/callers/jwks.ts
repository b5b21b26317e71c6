import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** A JWKS larger than this is not a key set. */
const MAX_JWKS_BYTES = 512 * 1024;

/**
 * The identity provider's keys, fetched on first use and again only for a token whose `kid` they lack, at most every
 * `cooldownMs` whether the fetch worked or not: the last good keys keep serving through an outage of the provider,
 * and tokens with forged kids cannot turn into a flood of fetches.
 */
export class JwksCache {
  private keys: ReturnType<typeof createLocalJWKSet> | null = null;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private fetching: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly cooldownMs: number,
    private readonly timeoutMs = 5000,
  ) {}

  /** jose's key resolver over the cached set. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (this.keys === null) await this.refresh();
    try {
      return await this.current()(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayFetch()) throw error;
      await this.refresh();
      return this.current()(header, token);
    }
  };

  private current(): ReturnType<typeof createLocalJWKSet> {
    if (this.keys === null) throw new errors.JWKSNoMatchingKey();
    return this.keys;
  }

  private mayFetch(): boolean {
    return performance.now() - this.lastFetchAt >= this.cooldownMs;
  }

  /** One fetch at a time; concurrent callers share it. */
  private refresh(): Promise<void> {
    if (!this.fetching && this.mayFetch()) this.fetching = this.fetchKeys().finally(() => (this.fetching = null));
    return this.fetching ?? Promise.resolve();
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetchAt = performance.now();
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
      const text = await response.text();
      if (!response.ok || text.length > MAX_JWKS_BYTES) return;
      this.keys = createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
    } catch {
      // Unreachable, slow, or not a key set: the keys in hand stay, and the next try waits for the cooldown.
    }
  }
}
