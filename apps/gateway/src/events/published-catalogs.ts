import type { RedisClient } from '@images/core';
import type { ImagePrint } from '@images/catalog';

/**
 * The catalog each provider last had as this deployment published it: the baseline of the next diff. Kept apart from
 * the catalog cache on purpose: a write deletes the cached catalog (read-your-writes), and a diff against nothing
 * would call every image new. One small print per image (name and a hash per field), not the image.
 */
export interface PublishedCatalogs {
  /** Null when nothing was ever published for the provider: the first catalog is the baseline, with no events. */
  read(provider: string): Promise<Map<string, ImagePrint> | null>;
  write(provider: string, set: ReadonlyMap<string, ImagePrint>, removed: readonly string[]): Promise<void>;
  /**
   * Sets the last published state of a thing (an operation's version, a provider's circuit) and returns the one it
   * replaces, atomically: of replicas that see the same change, one learns it is new, so one tells it.
   */
  swapState(name: string, value: string, ttlMs: number): Promise<string | null>;
  /** Puts `previous` back (none: removes it) while the state is still the `value` this replica swapped in. */
  restoreState(name: string, value: string, previous: string | null, ttlMs: number): Promise<void>;
}

/** States kept in process at most, oldest first out. */
const MEMORY_STATES = 10_000;

export class MemoryPublishedCatalogs implements PublishedCatalogs {
  private readonly byProvider = new Map<string, Map<string, ImagePrint>>();
  private readonly states = new Map<string, string>();

  async read(provider: string): Promise<Map<string, ImagePrint> | null> {
    const known = this.byProvider.get(provider);
    return known ? new Map(known) : null;
  }

  async write(provider: string, set: ReadonlyMap<string, ImagePrint>, removed: readonly string[]): Promise<void> {
    const known = this.byProvider.get(provider) ?? new Map<string, ImagePrint>();
    for (const [id, print] of set) known.set(id, print);
    for (const id of removed) known.delete(id);
    this.byProvider.set(provider, known);
  }

  async swapState(name: string, value: string): Promise<string | null> {
    const previous = this.states.get(name) ?? null;
    this.states.delete(name);
    this.states.set(name, value);
    if (this.states.size > MEMORY_STATES) this.states.delete(this.states.keys().next().value!);
    return previous;
  }

  async restoreState(name: string, value: string, previous: string | null): Promise<void> {
    if (this.states.get(name) !== value) return;
    if (previous === null) this.states.delete(name);
    else this.states.set(name, previous);
  }
}

// Only while the state is still the value this replica swapped in: another replica's newer state stands.
const RESTORE_STATE_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '1' then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4]) end
return redis.call('DEL', KEYS[1])`;

/** The field that marks a provider as published even when its catalog is empty (image ids are never empty). */
const BASELINE_FIELD = '';
const FIELDS_PER_COMMAND = 1000;

/** A Redis hash per provider (`{prefix}{events}:published:{provider}`), id → print, shared by the replicas. */
export class RedisPublishedCatalogs implements PublishedCatalogs {
  constructor(
    private readonly client: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async read(provider: string): Promise<Map<string, ImagePrint> | null> {
    const hash = await this.client.hgetall(this.key(provider));
    if (!(BASELINE_FIELD in hash)) return null;
    const prints = new Map<string, ImagePrint>();
    for (const [id, json] of Object.entries(hash)) if (id !== BASELINE_FIELD) prints.set(id, JSON.parse(json) as ImagePrint);
    return prints;
  }

  async write(provider: string, set: ReadonlyMap<string, ImagePrint>, removed: readonly string[]): Promise<void> {
    const key = this.key(provider);
    const pipeline = this.client.pipeline();
    const entries: string[] = [BASELINE_FIELD, '1'];
    for (const [id, print] of set) {
      entries.push(id, JSON.stringify(print));
      if (entries.length >= FIELDS_PER_COMMAND * 2) pipeline.hset(key, ...entries.splice(0));
    }
    if (entries.length > 0) pipeline.hset(key, ...entries);
    for (let start = 0; start < removed.length; start += FIELDS_PER_COMMAND) pipeline.hdel(key, ...removed.slice(start, start + FIELDS_PER_COMMAND));
    await pipeline.exec();
  }

  async swapState(name: string, value: string, ttlMs: number): Promise<string | null> {
    return (await this.client.set(this.stateKey(name), value, 'PX', ttlMs, 'GET')) as string | null;
  }

  async restoreState(name: string, value: string, previous: string | null, ttlMs: number): Promise<void> {
    await this.client.eval(RESTORE_STATE_SCRIPT, 1, this.stateKey(name), value, previous ?? '', previous === null ? 0 : 1, ttlMs);
  }

  private stateKey(name: string): string {
    return `${this.keyPrefix}{events}:state:${name}`;
  }

  private key(provider: string): string {
    return `${this.keyPrefix}{events}:published:${provider}`;
  }
}
