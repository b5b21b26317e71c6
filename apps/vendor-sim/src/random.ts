/** Small seeded PRNG (mulberry32): the catalogs must be identical on every start. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1][0];
  }

  /** `count` distinct elements in random order (Fisher–Yates on a copy). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, count);
  }

  fromAlphabet(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  hex(length: number): string {
    return this.fromAlphabet('0123456789abcdef', length);
  }

  lowerAlnum(length: number): string {
    return this.fromAlphabet('abcdefghijklmnopqrstuvwxyz0123456789', length);
  }

  digits(length: number): string {
    return this.fromAlphabet('123456789', 1) + this.fromAlphabet('0123456789', length - 1);
  }

  /** RFC 4122 version-4 shaped uuid. */
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = '89ab'[parseInt(h[16], 16) % 4];
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

/**
 * Creation times spread over [fromMs, toMs] in whole seconds; about one in twelve repeats an earlier value
 * so that clients have to break ties.
 */
export function createTimeSeries(random: SeededRandom, count: number, fromMs: number, toMs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    if (times.length > 0 && random.chance(1 / 12)) times.push(random.pick(times));
    else times.push(Math.floor(random.int(fromMs, toMs) / 1000) * 1000);
  }
  return times;
}

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;
