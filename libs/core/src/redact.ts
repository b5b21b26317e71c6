/** Secret scrubbing: every configured credential is replaced wherever it might surface (logs, problems, metrics). */
import {
  ECHO_GROUPS,
  ECHO_PATTERN,
  ECHO_PREFILTER,
  base64FragmentPattern,
  base64Fragments,
  base64TokenEnd,
  base64TokenStart,
  prefilterAnchor,
  redactKeepingEscapes,
  secretPattern,
} from './redact-patterns';

export const REDACTED = '[REDACTED]';

/** The capture group of a base64 fragment, after the echo groups. */
const BASE64_GROUP = ECHO_GROUPS + 1;

/**
 * Replaces every configured secret in any encoding (literal, JSON-escaped, `\uXXXX`, URL- or form-encoded in either
 * hex case, HTML references, base64 or base64url also inside a longer encoded value) and a vendor's echo of a signed
 * request (`Signature=…`, `Authorization: …`, `X-Auth-Token: …`), whatever the secrets.
 *
 * Everything is built once, in the constructor. Every encoding of a secret is one RegExp: each character may appear
 * as itself or any of its escapes, so mixed and partial encodings match too and nothing has to be enumerated. Base64
 * is matched by the fragments the secret alone determines at each byte alignment; a hit takes its whole token.
 *
 * `text()` first runs two cheap tests: an alternation of literals every match must contain (the longest run of ASCII
 * letters and digits of each secret and fragment, which no encoding touches), and the echo names. A line with nothing
 * to hide costs those two scans and comes back unchanged. Only on a hit does the full alternation run: the echoes,
 * then the base64 fragments, then the secrets longest first (a secret that contains another is replaced whole).
 */
export class SecretRedactor {
  private readonly prefilter: RegExp | null;
  private readonly pattern: RegExp;

  constructor(secrets: Iterable<string>) {
    // Very short values would redact noise.
    const given = [...new Set(secrets)].filter((s) => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
    const fragments = new Set<string>();
    for (const secret of given) {
      // The raw bytes (Basic credentials, a token) and the JSON-escaped ones (a base64-encoded JSON document).
      for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
        for (const fragment of base64Fragments(Buffer.from(form, 'utf8'))) fragments.add(fragment);
      }
    }
    const fragmentPatterns = [...fragments].map((f) => [f, base64FragmentPattern(f)] as const);
    const secretPatterns = given.map((s) => [s, secretPattern(s)] as const);
    const anchors = new Set([...fragmentPatterns, ...secretPatterns].map(([v, p]) => prefilterAnchor(v, p)));
    this.prefilter = anchors.size > 0 ? new RegExp([...anchors].join('|')) : null;
    const base64 = fragmentPatterns.length > 0 ? [`(${fragmentPatterns.map(([, p]) => p).join('|')})`] : [];
    this.pattern = new RegExp([ECHO_PATTERN, ...base64, ...secretPatterns.map(([, p]) => p)].join('|'), 'g');
  }

  text(value: string): string {
    if (!this.prefilter?.test(value) && !ECHO_PREFILTER.test(value)) return value;
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    let out = '';
    let done = 0;
    for (let match = pattern.exec(value); match !== null; match = pattern.exec(value)) {
      // A named echo keeps its name (`Signature=`, `Authorization: `, `"authorization":"`), so logs stay readable.
      const name = match.slice(1, BASE64_GROUP).find((group) => group !== undefined);
      let start = match.index;
      let end = start + match[0].length;
      if (name !== undefined) {
        out += value.slice(done, start) + name + REDACTED;
      } else {
        if (match[BASE64_GROUP] !== undefined) {
          start = base64TokenStart(value, start, done);
          end = base64TokenEnd(value, end);
          pattern.lastIndex = end;
        }
        out += value.slice(done, start) + redactKeepingEscapes(value, start, end, REDACTED);
      }
      done = end;
    }
    return done === 0 ? value : out + value.slice(done);
  }

  /** Deep copy of a JSON-like value with every string (keys too) scrubbed. */
  value<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.value(v)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[this.text(k)] = this.value(v);
      return out as T;
    }
    return value;
  }
}
