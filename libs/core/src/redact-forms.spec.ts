import { REDACTED, SecretRedactor } from './redact';

// Encodings and edges the table of redact.spec.ts does not reach: every HTML reference, the JSON-escaped slash,
// astral characters, fragments at the minimum length, several fragments in one token, matches inside words.

describe('SecretRedactor, character forms', () => {
  const MARKUP = 'k&y<1>"2\'-secret';
  const references: Array<[string, string[]]> = [
    ['&', ['&amp;', '&#38;', '&#x26;']],
    ['<', ['&lt;', '&#60;', '&#x3c;', '&#x3C;']],
    ['>', ['&gt;', '&#62;', '&#x3e;', '&#x3E;']],
    ['"', ['&quot;', '&#34;', '&#x22;']],
    ["'", ['&apos;', '&#39;', '&#x27;']],
  ];

  it.each(references.flatMap(([char, forms]) => forms.map((form) => [char, form] as const)))('finds %j written as %s in HTML', (char, form) => {
    const r = new SecretRedactor([MARKUP]);
    expect(r.text(`<p>${MARKUP.replace(char, form)}</p>`)).toBe(`<p>${REDACTED}</p>`);
  });

  it.each(references.map(([char]) => char))('does not let %j be left out', (char) => {
    const r = new SecretRedactor([MARKUP]);
    const missing = MARKUP.replace(char, '');
    expect(r.text(`<p>${missing}</p>`)).toBe(`<p>${missing}</p>`);
  });

  it('finds a slash written as \\/ (JSON serializers that escape slashes)', () => {
    const r = new SecretRedactor(['path/to/secret-1']);
    expect(r.text('{"url":"path\\/to\\/secret-1"}')).toBe(`{"url":"${REDACTED}"}`);
  });

  it('finds a character outside the BMP as its two \\u escapes, in either hex case, and as percent-encoded UTF-8', () => {
    const secret = 'key-😀-secret';
    const r = new SecretRedactor([secret]);
    expect(r.text(`a ${JSON.stringify(secret).slice(1, -1)} b`)).toBe(`a ${REDACTED} b`);
    expect(r.text('a key-\\ud83d\\ude00-secret b')).toBe(`a ${REDACTED} b`);
    expect(r.text('a key-\\uD83D\\uDE00-secret b')).toBe(`a ${REDACTED} b`);
    expect(r.text(`a ${encodeURIComponent(secret)} b`)).toBe(`a ${REDACTED} b`);
  });

  it('finds a space written as + (form encoding) or %20, not as another character', () => {
    const r = new SecretRedactor(['two words-secret']);
    expect(r.text('q=two+words-secret&x')).toBe(`q=${REDACTED}&x`);
    expect(r.text('q=two%20words-secret&x')).toBe(`q=${REDACTED}&x`);
    expect(r.text('q=two_words-secret&x')).toBe('q=two_words-secret&x');
  });

  it('leaves text alone where a letter or digit is escaped, as no encoder does that', () => {
    const r = new SecretRedactor(['abcd-efgh-secret']);
    for (const text of ['abcd-%65fgh-secret', 'abcd-\\u0065fgh-secret', '%61bcd-efgh-secret']) expect(r.text(text)).toBe(text);
  });

  it('finds an upper-case ASCII letter only as itself: %4A is not J', () => {
    const r = new SecretRedactor(['JKLM-secret']);
    expect(r.text('x JKLM-secret y')).toBe(`x ${REDACTED} y`);
    expect(r.text('x %4AKLM-secret y')).toBe('x %4AKLM-secret y');
  });
});

describe('SecretRedactor, where a match ends', () => {
  it('replaces only the secret inside a longer word, its neighbours kept', () => {
    const r = new SecretRedactor(['mid-secret-42']);
    expect(r.text('prefixmid-secret-42suffix')).toBe(`prefix${REDACTED}suffix`);
    expect(r.text('a/b+mid-secret-42+c/d')).toBe(`a/b+${REDACTED}+c/d`);
  });

  it('replaces a base64 token holding the secret twice once, whole', () => {
    const secret = 'twice-secret-1';
    const r = new SecretRedactor([secret]);
    const token = Buffer.from(`user:${secret}:${secret}:tail`).toString('base64');
    expect(r.text(`a ${token} b`)).toBe(`a ${REDACTED} b`);
  });

  it('replaces two base64 tokens separately, the text between them kept', () => {
    const secret = 'pair-secret-2';
    const r = new SecretRedactor([secret]);
    const token = Buffer.from(`u:${secret}`).toString('base64');
    expect(r.text(`${token} and ${token}`)).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('finds a secret of 6 bytes by its one 8-character base64 fragment', () => {
    const r = new SecretRedactor(['sec-42']);
    expect(r.text(`token ${Buffer.from('sec-42').toString('base64')} end`)).toBe(`token ${REDACTED} end`);
  });

  it('takes base64 padding written as %3D into the token', () => {
    const secret = 'padded-secret';
    const r = new SecretRedactor([secret]);
    const token = Buffer.from(`u:${secret}x`).toString('base64');
    expect(token.endsWith('=')).toBe(true);
    expect(r.text(`t=${encodeURIComponent(token)}&n=1`)).toBe(`t=${REDACTED}&n=1`);
    expect(r.text(`t=${token.replace(/=/g, '%3d')}&n=1`)).toBe(`t=${REDACTED}&n=1`);
  });

  it('ignores secrets that are not strings among the configured ones', () => {
    const r = new SecretRedactor([undefined, null, 42, 'real-secret-1'] as unknown as string[]);
    expect(r.text('x real-secret-1 y')).toBe(`x ${REDACTED} y`);
  });

  it('replaces the longest of two overlapping secrets given shortest first', () => {
    const r = new SecretRedactor(['key-1', 'key-1-and-more']);
    expect(r.text('<key-1-and-more>')).toBe(`<${REDACTED}>`);
  });
});

describe('SecretRedactor, base64 fragments holding + and /', () => {
  // Its base64 has + and / inside the fragment at every alignment, so base64url's - and _ and an escaped \/ matter.
  const SECRET = 'sec>>>???~~~ret';
  const escapeSlashes = (text: string) => text.replace(/\//g, '\\/');

  it.each([0, 1, 2])('finds it in base64url and in base64 with JSON-escaped slashes at alignment %i', (pad) => {
    const bytes = Buffer.from('u'.repeat(pad) + SECRET);
    const r = new SecretRedactor([SECRET]);
    expect(r.text(`t ${bytes.toString('base64url')} e`)).toBe(`t ${REDACTED} e`);
    expect(JSON.parse(r.text(`{"b":"${escapeSlashes(bytes.toString('base64'))}"}`))).toEqual({ b: REDACTED });
  });

  it('takes escaped slashes before and after the fragment into the token', () => {
    const slashes = Buffer.from([0xff, 0xff, 0xff]);
    const token = Buffer.concat([slashes, Buffer.from(SECRET), slashes]).toString('base64');
    expect(token.startsWith('////')).toBe(true);
    expect(token.endsWith('////')).toBe(true);
    expect(JSON.parse(new SecretRedactor([SECRET]).text(`{"b":"${escapeSlashes(token)}","n":1}`))).toEqual({ b: REDACTED, n: 1 });
  });
});

describe('SecretRedactor, echoes of every signed-request header', () => {
  const none = { text: (text: string) => new SecretRedactor([]).text(text) };

  it.each(['X-Subject-Token', 'X-Security-Token', 'X-Api-Key', 'Proxy-Authorization', 'AUTHORIZATION'])('%s as a header, a query parameter and a JSON key', (name) => {
    expect(none.text(`${name}: abc/def+1\nnext`)).toBe(`${name}: ${REDACTED}\nnext`);
    expect(none.text(`?${name}=abc&x=1`)).toBe(`?${name}=${REDACTED}&x=1`);
    expect(JSON.parse(none.text(JSON.stringify({ [name]: 'abc' })))).toEqual({ [name]: REDACTED });
  });

  it('ends a header value at a tab-free end of line and keeps spaces and tabs after the colon', () => {
    expect(none.text('Authorization:\t Bearer a\rb')).toBe(`Authorization:\t ${REDACTED}\rb`);
  });

  it.each(['&', ' ', '"', '\\', ',', ';', '<', '>'])('ends a Signature= value at %j', (end) => {
    expect(none.text(`Signature=abc${end}rest`)).toBe(`Signature=${REDACTED}${end}rest`);
  });

  it('does not end a value at a JSON-escaped slash', () => {
    expect(none.text('"url":"x?Signature=ab\\/cd&y=1"')).toBe(`"url":"x?Signature=${REDACTED}&y=1"`);
  });

  it('leaves a name with nothing after it, or in another word, alone', () => {
    for (const text of ['Signature=', 'Authorization:', 'my authorization is "fine"', 'signatures: many']) expect(none.text(text)).toBe(text);
  });
});
