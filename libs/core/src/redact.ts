/** Secret scrubbing: every configured credential is replaced wherever it might surface (logs, problems, metrics). */
export const REDACTED = '[REDACTED]';

export class SecretRedactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string>) {
    // Longest first so a secret that contains another is replaced whole; very short values would redact noise.
    const given = [...secrets].filter((s) => s && s.length >= 4);
    // Also as they appear inside serialized JSON (a log line, a problem body): quotes and backslashes escaped.
    const escaped = given.map((s) => JSON.stringify(s).slice(1, -1));
    this.secrets = [...new Set([...given, ...escaped])].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Deep copy of a JSON-like value with every string scrubbed. */
  value<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.value(v)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.value(v);
      return out as T;
    }
    return value;
  }
}
