/**
 * The pieces of `SecretRedactor` (./redact.ts): RegExp sources for each configured secret in every textual encoding
 * it may surface in, for its base64 forms and for a vendor's echo of a signed request (built once per redactor), the
 * extent of a base64 token, and the escape-preserving replacement that keeps a JSON line valid.
 */

/** Base64 fragments shorter than this could match noise: a secret needs 7 bytes for one at every alignment (6 at 0). */
export const MIN_BASE64_FRAGMENT = 8;

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** One hex digit, either letter case: `%4a` and `%4A` are the same byte. */
function hexDigit(digit: string): string {
  return /[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit;
}

function hex(value: number, digits: number): string {
  return [...value.toString(16).toUpperCase().padStart(digits, '0')].map(hexDigit).join('');
}

/** HTML/XML character references a vendor's error page may use. */
const HTML_REFERENCES: Readonly<Record<string, readonly string[]>> = {
  '&': ['&amp;', '&#38;', '&#x26;'],
  '<': ['&lt;', '&#60;', '&#x3c;', '&#x3C;'],
  '>': ['&gt;', '&#62;', '&#x3e;', '&#x3E;'],
  '"': ['&quot;', '&#34;', '&#x22;'],
  "'": ['&apos;', '&#39;', '&#x27;'],
};

const ASCII_ALNUM = /^[A-Za-z0-9]$/;

/**
 * One character (a code point) as it may appear: itself; JSON-escaped (`\"`, `\\`, `\n`, `\/`), also twice (a JSON
 * document inside a JSON string); `\uXXXX`; percent-encoded UTF-8 in either hex case, also twice (`%2540`);
 * `+` for a space (form encoding); an HTML reference. Longest first, so that `\\` is never cut in half.
 * ASCII letters and digits only ever appear as themselves (no encoder escapes them): see `prefilterAnchor`.
 */
function charPattern(char: string): string {
  if (ASCII_ALNUM.test(char)) return char;
  const json = JSON.stringify(char).slice(1, -1);
  const forms = new Set([escapeRegExp(char), escapeRegExp(json), escapeRegExp(JSON.stringify(json).slice(1, -1))]);
  if (char === '/') forms.add(escapeRegExp('\\/'));
  forms.add([...Array(char.length).keys()].map((i) => '\\\\u' + hex(char.charCodeAt(i), 4)).join(''));
  const bytes = [...Buffer.from(char, 'utf8')];
  forms.add(bytes.map((b) => '%' + hex(b, 2)).join(''));
  forms.add(bytes.map((b) => '%25' + hex(b, 2)).join(''));
  if (char === ' ') forms.add('\\+');
  for (const reference of HTML_REFERENCES[char] ?? []) forms.add(escapeRegExp(reference));
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return sorted.length === 1 ? sorted[0] : `(?:${sorted.join('|')})`;
}

/**
 * The secret literally, JSON-escaped, URL-encoded (encodeURIComponent, RFC 3986, form), and any mix of these,
 * character by character: every variant is one pattern, so there is nothing to enumerate and nothing to miss.
 */
export function secretPattern(secret: string): string {
  return [...secret].map(charPattern).join('');
}

/**
 * The base64 characters that depend on `bytes` alone when they sit at each of the three byte offsets of a longer
 * encoded value (`base64("user:" + secret)`, a JSON document): char i covers bits [6i, 6i+6) of the stream, so
 * after `offset` filler bytes the chars from ceil(8·offset/6) to floor(8·(offset+n)/6) are the secret's own.
 */
export function base64Fragments(bytes: Buffer): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const fragment = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (fragment.length >= MIN_BASE64_FRAGMENT) fragments.push(fragment);
  }
  return fragments;
}

/** A fragment in base64 or base64url, its `+` and `/` also percent- or JSON-escaped. */
export function base64FragmentPattern(fragment: string): string {
  return [...fragment].map((c) => (c === '+' ? '(?:[+-]|%2[Bb])' : c === '/' ? '(?:[/_]|%2[Ff]|\\\\\\/)' : c)).join('');
}

/**
 * A literal every match of `pattern` (a secret's or a fragment's) contains: its longest run of ASCII letters and
 * digits, which no encoding above changes; a value with no run of 4 is its own anchor (the whole pattern). Of runs
 * as long, one that mixes letters and digits: a word (`sim-cecstack-token-2f7b9d4c`: `cecstack`, a provider's name)
 * is in ordinary lines, and each line that holds an anchor pays the full scan.
 */
export function prefilterAnchor(value: string, pattern: string): string {
  const runs = value.match(/[A-Za-z0-9]+/g) ?? [];
  const score = (run: string) => run.length + (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? 0.5 : 0);
  const best = runs.reduce((a, b) => (score(b) > score(a) ? b : a), '');
  return best.length >= 4 ? best : pattern;
}

/** Base64 or base64url characters, and `+`, `/`, `=` percent-encoded or `/` JSON-escaped: the extent of a token. */
const isBase64Char = (c: string) => /^[A-Za-z0-9_+/-]$/.test(c);
const ESCAPED_BASE64 = /^(?:%2[BbFf]|\\\/)$/;

/** Where the base64 token holding text[from] begins, not before `floor`. */
export function base64TokenStart(text: string, from: number, floor: number): number {
  let i = from;
  for (;;) {
    if (i - 3 >= floor && ESCAPED_BASE64.test(text.slice(i - 3, i))) i -= 3;
    else if (i - 2 >= floor && ESCAPED_BASE64.test(text.slice(i - 2, i))) i -= 2;
    else if (i - 1 >= floor && isBase64Char(text[i - 1])) i -= 1;
    else return i;
  }
}

/** Where the base64 token holding text[from - 1] ends, its padding included. */
export function base64TokenEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    if (ESCAPED_BASE64.test(text.slice(i, i + 3))) i += 3;
    else if (ESCAPED_BASE64.test(text.slice(i, i + 2))) i += 2;
    else if (i < text.length && isBase64Char(text[i])) i += 1;
    else break;
  }
  for (;;) {
    if (text[i] === '=') i += 1;
    else if (/^%3[Dd]$/.test(text.slice(i, i + 3))) i += 3;
    else return i;
  }
}

function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/.test(c) ? `[${c.toUpperCase()}${c}]` : escapeRegExp(c))).join('');
}

const SIGNATURE = 'signature'; // also x-amz-signature, oauth_signature: the name only has to end with it
const HEADERS = ['authorization', 'x-auth-token', 'x-subject-token', 'x-security-token', 'x-api-key']; // also proxy-authorization
const names = (list: readonly string[]) => `(?:${list.map(anyCase).join('|')})`;

/**
 * A vendor's echo of a signed request, whatever the secrets: group 1, 2 or 3 is the name to keep, the rest the value.
 * 1. `Signature=…` (query, form): up to `&`, whitespace, a quote or backslash (the end of a JSON string), `,;<>`.
 * 2. `Authorization: …` header (also `X-Auth-Token`, …): to the end of the line, a quote or a backslash.
 * 3. `"authorization": "…"` in JSON, also escaped inside a JSON string: to the closing quote.
 * `\/` (a JSON-escaped slash) never ends a value.
 */
export const ECHO_PATTERN = [
  `(${names([SIGNATURE, ...HEADERS])}=)(?:[^&\\s"\\\\,;<>]|\\\\/)+`,
  `(${names(HEADERS)}:[ \\t]*)(?:[^"\\\\\\r\\n]|\\\\/)+`,
  `(${names([SIGNATURE, ...HEADERS])}\\\\*"[ \\t]*:[ \\t]*\\\\*")(?:[^"\\\\]|\\\\/)+`,
].join('|');
export const ECHO_GROUPS = 3;
/** What every echo match begins with, for the prefilter (on its own: in one alternation with the anchors, both run 3x slower). */
export const ECHO_PREFILTER = new RegExp(`(?:${[SIGNATURE, ...HEADERS].map(escapeRegExp).join('|')})[=:"\\\\]`, 'i');

/** Whether text[index] is a backslash that escapes the next character (an odd run of backslashes ends there). */
function escapingBackslash(text: string, index: number): boolean {
  let run = 0;
  while (index - run >= 0 && text[index - run] === '\\') run++;
  return run % 2 === 1;
}

/**
 * A redaction must leave a JSON line valid: when text[start, end) begins inside an escape (`\n` before a secret
 * starting with `n`, `\u00e` before one starting with `9`), the characters finishing that escape are kept; when it
 * ends with a backslash that escapes what follows, that backslash is kept too.
 */
export function redactKeepingEscapes(text: string, start: number, end: number, replacement: string): string {
  let head = 0;
  if (start > 0 && escapingBackslash(text, start - 1)) head = text[start] === 'u' ? 5 : 1;
  else {
    const unicode = /\\u([0-9A-Fa-f]{0,3})$/.exec(text.slice(Math.max(0, start - 5), start));
    if (unicode && escapingBackslash(text, start - unicode[0].length)) head = 4 - unicode[1].length;
  }
  // The whole match is the rest of an escape (`u00e` of `\u00e9`): it is not the secret, and cutting it would break the line.
  if (head >= end - start) return text.slice(start, end);
  const tail = end - start > head && escapingBackslash(text, end - 1) ? '\\' : '';
  return text.slice(start, start + head) + replacement + tail;
}
