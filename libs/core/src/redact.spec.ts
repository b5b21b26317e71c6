import { REDACTED, SecretRedactor } from './redact';

// Secrets whose characters encode differently: reserved URL characters, base64 padding look-alikes, a quote and a
// backslash (JSON escapes), UCloud's documented public-key shape, and non-ASCII (UTF-8 percent-escapes, \uXXXX).
const PLAIN = 'a@b+c/d=';
const QUOTED = 'sk-"quoted"\\slash-123';
const UCLOUD = 'ucloudsomeone@example.com1296235120854146120';
const UNICODE = "pässwörd-ключ (it's)!*";
const SECRETS = [PLAIN, QUOTED, UCLOUD, UNICODE];

// Built in each test, not at collection: StrykerJS counts code run outside a test as covered by every test.
let redactor: SecretRedactor;
beforeEach(() => {
  redactor = new SecretRedactor(SECRETS);
});

const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);
const hexEscape = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, hexEscape);
const form = (s: string) => new URLSearchParams({ k: s }).toString().slice(2);
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const unicodeJson = (upper: boolean) => (s: string) =>
  jsonInner(s).replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16)[upper ? 'toUpperCase' : 'toLowerCase']().padStart(4, '0'));
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const base64 = (s: string) => Buffer.from(s).toString('base64');
const base64url = (s: string) => Buffer.from(s).toString('base64url');

const ENCODINGS: Array<[string, (s: string) => string]> = [
  ['literal', (s) => s],
  ['JSON-escaped', jsonInner],
  ['JSON-escaped twice (a JSON document in a JSON string)', (s) => jsonInner(jsonInner(s))],
  ['JSON with \\uXXXX, lower-case hex', unicodeJson(false)],
  ['JSON with \\uXXXX, upper-case hex', unicodeJson(true)],
  ['encodeURIComponent', encodeURIComponent],
  ['encodeURIComponent, lower-case hex', (s) => lowerHex(encodeURIComponent(s))],
  ['RFC 3986', rfc3986],
  ['RFC 3986, lower-case hex', (s) => lowerHex(rfc3986(s))],
  ['form-encoded', form],
  ['form-encoded, lower-case hex', (s) => lowerHex(form(s))],
  ['encodeURI (reserved characters left as they are)', encodeURI],
  ['percent-encoded twice', (s) => encodeURIComponent(encodeURIComponent(s))],
  ['HTML-escaped', html],
  ['base64', base64],
  ['base64url', base64url],
];

/** Every variant this file generates, in both letter cases of percent-hex: none may survive redaction. */
function leaks(text: string, secret: string): string[] {
  const forms = ENCODINGS.flatMap(([, encode]) => [encode(secret), lowerHex(encode(secret))]);
  return [...new Set(forms)].filter((form) => text.includes(form));
}

describe('SecretRedactor', () => {
  it('exports the placeholder', () => {
    expect(REDACTED).toBe('[REDACTED]');
  });

  describe.each(SECRETS)('secret %j', (secret) => {
    it.each(ENCODINGS)('replaces it %s, and nothing around it', (_name, encode) => {
      const out = redactor.text(`vendor said: ${encode(secret)} (request r-1)`);
      expect(leaks(out, secret)).toEqual([]);
      expect(out).toContain(REDACTED);
      expect(out).toBe(`vendor said: ${REDACTED} (request r-1)`);
    });

    it.each([0, 1, 2, 3, 4, 5])('replaces the whole base64 and base64url token of "user:"-like credentials with a %i-byte prefix', (pad) => {
      for (const suffix of ['', 'x', 'xy']) {
        const credentials = 'u'.repeat(pad) + (pad > 0 ? ':' : '') + secret + suffix;
        for (const encoded of [base64(credentials), base64url(credentials), encodeURIComponent(base64(credentials))]) {
          expect(redactor.text(`credentials ${encoded} end`)).toBe(`credentials ${REDACTED} end`);
        }
      }
    });

    it.each([0, 1, 2])('replaces a base64-encoded JSON document holding it at alignment %i', (pad) => {
      const document = JSON.stringify({ pad: 'x'.repeat(pad), key: secret, region: 'cn-bj2' });
      expect(redactor.text(`token=${base64(document)}&next=1`)).toBe(`token=${REDACTED}&next=1`);
      // base64 in a serialized JSON log line, its slashes escaped as some serializers do.
      const line = `{"blob":"${base64url(document)}","n":1}`;
      expect(JSON.parse(redactor.text(line))).toEqual({ blob: REDACTED, n: 1 });
      const slashes = `{"blob":"${base64(document).replace(/\//g, '\\/')}","n":1}`;
      expect(JSON.parse(redactor.text(slashes))).toEqual({ blob: REDACTED, n: 1 });
    });

    it('keeps a serialized JSON log line valid, the secret gone from every field', () => {
      const line = JSON.stringify({ level: 50, msg: `call with ${secret} failed`, err: { message: `echo ${encodeURIComponent(secret)}` }, nested: JSON.stringify({ key: secret }) });
      const out = redactor.text(line);
      expect(leaks(out, secret)).toEqual([]);
      const parsed = JSON.parse(out);
      expect(parsed).toEqual({ level: 50, msg: `call with ${REDACTED} failed`, err: { message: `echo ${REDACTED}` }, nested: JSON.stringify({ key: REDACTED }) });
    });
  });

  it('replaces a secret that contains another whole, and every occurrence', () => {
    const r = new SecretRedactor(['abcd1234', 'abcd1234-longer-secret']);
    expect(r.text('a abcd1234-longer-secret b abcd1234 c abcd1234-longer-secret')).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
  });

  it("finds UCloud's public key as UCloud echoes it", () => {
    const r = new SecretRedactor([UCLOUD]);
    expect(r.text('user ucloudsomeone%40example.com1296235120854146120 not exist')).toBe(`user ${REDACTED} not exist`);
    expect(r.text('PublicKey=ucloudsomeone%40example.com1296235120854146120&Action=X')).toBe(`PublicKey=${REDACTED}&Action=X`);
  });

  it('ignores secrets under 4 characters, in any encoding, and still redacts one of 4', () => {
    const r = new SecretRedactor(['abc', 'a/+', '', 'wxyz']);
    const text = `abc ${encodeURIComponent('a/+')} ${base64('user:abc')} abcd`;
    expect(r.text(text)).toBe(text);
    expect(r.text('x wxyz y')).toBe(`x ${REDACTED} y`);
  });

  it('returns text with nothing to hide unchanged, near misses included', () => {
    const texts = [
      '',
      'plain words, 100% done, C:\\path\\to "quotes" and \\u00e9 escapes',
      'verify aksk signature fail; authorization failed; SignatureVersion=1&SignatureMethod=HMAC-SHA1',
      `almost ${UCLOUD.slice(0, -1)} and ${QUOTED.slice(1)} and ${base64('something else entirely')}`,
      JSON.stringify({ level: 30, msg: 'request completed', url: '/images?provider=ucloud&limit=50', token: 'tok-not-configured' }),
    ];
    for (const text of texts) expect(redactor.text(text)).toBe(text);
    expect(new SecretRedactor([]).text(texts[1])).toBe(texts[1]);
  });

  describe('a vendor echo of a signed request, whatever the secrets', () => {
    const none = { text: (text: string) => new SecretRedactor([]).text(text) };

    it.each([
      ['Signature=abc%2Fdef&Action=X', `Signature=${REDACTED}&Action=X`],
      ['/?Action=GetImage&signature=9f86d081884c7d65&Limit=5', `/?Action=GetImage&signature=${REDACTED}&Limit=5`],
      ['X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027 rest', `X-Amz-Signature=${REDACTED} rest`],
      ['sig at the end Signature=YWJj+ZA==', `sig at the end Signature=${REDACTED}`],
      ['a=1,Signature=deadbeef,b=2;c', `a=1,Signature=${REDACTED},b=2;c`],
      ['Authorization: Bearer xyz', `Authorization: ${REDACTED}`],
      ['authorization: Basic dXNlcjpwYXNz\r\nHost: api', `authorization: ${REDACTED}\r\nHost: api`],
      ['X-Auth-Token: MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQExDTALBglghkgBZQMEAgEw\nnext', `X-Auth-Token: ${REDACTED}\nnext`],
    ])('%j', (text, expected) => {
      expect(none.text(text)).toBe(expected);
    });

    it('keeps a log line with an Authorization echo inside a JSON string valid', () => {
      const authorization = 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc2';
      const line = JSON.stringify({ level: 50, msg: `vendor echoed Authorization: Bearer xyz\nHost: iam`, detail: `Authorization: ${authorization}`, n: 1 }) + '\n';
      const parsed = JSON.parse(none.text(line));
      expect(parsed).toEqual({ level: 50, msg: `vendor echoed Authorization: ${REDACTED}\nHost: iam`, detail: `Authorization: ${REDACTED}`, n: 1 });
    });

    it('replaces the values of JSON keys, also in a JSON document inside a JSON string', () => {
      const headers = { Authorization: 'Bearer xyz', 'x-auth-token': 'MIIE+abc/def', accept: '*/*' };
      const query = { Action: 'GetImage', Signature: 'ab/cd+ef' };
      const line = JSON.stringify({ headers, body: JSON.stringify(query), url: '/?Action=GetImage&Signature=ab%2Fcd&Limit=1' });
      const parsed = JSON.parse(none.text(line));
      expect(parsed.headers).toEqual({ Authorization: REDACTED, 'x-auth-token': REDACTED, accept: '*/*' });
      expect(JSON.parse(parsed.body)).toEqual({ Action: 'GetImage', Signature: REDACTED });
      expect(parsed.url).toBe(`/?Action=GetImage&Signature=${REDACTED}&Limit=1`);
    });
  });

  describe('JSON validity around escapes', () => {
    it('keeps an escape that ends where a secret-shaped run begins', () => {
      // The line holds "x<newline>ope-secret-1": its raw text spells the secret "nope-secret-1" through the escape.
      const r = new SecretRedactor(['nope-secret-1', 'e9-secret-99']);
      const line = JSON.stringify({ msg: 'x\nope-secret-1 y' });
      const out = r.text(line);
      expect(out).not.toContain('ope-secret-1');
      expect(JSON.parse(out)).toEqual({ msg: `x\n${REDACTED} y` });
      const unicode = '{"msg":"caf\\u00e9-secret-99"}';
      expect(JSON.parse(r.text(unicode))).toEqual({ msg: `café${REDACTED}` });
    });

    it('keeps the backslash of an escape that follows a match', () => {
      const r = new SecretRedactor(['trailing-secret\\']);
      const out = r.text(JSON.stringify({ msg: 'trailing-secret"quoted"', other: 'trailing-secret\\' }));
      expect(JSON.parse(out)).toEqual({ msg: `${REDACTED}"quoted"`, other: REDACTED });
    });
  });

  describe('value()', () => {
    it('returns a scrubbed deep copy of nested objects and arrays, other values untouched', () => {
      const input = {
        type: 'about:blank',
        status: 401,
        ok: false,
        none: null,
        detail: `ucloud answered 172: user ${encodeURIComponent(UCLOUD)} not exist`,
        upstream: { message: `bad ${QUOTED}`, errors: [PLAIN, { nested: [base64('user:' + PLAIN), 7] }] },
        [UCLOUD]: 'a key',
      };
      const snapshot = JSON.parse(JSON.stringify(input));
      expect(redactor.value(input)).toEqual({
        type: 'about:blank',
        status: 401,
        ok: false,
        none: null,
        detail: `ucloud answered 172: user ${REDACTED} not exist`,
        upstream: { message: `bad ${REDACTED}`, errors: [REDACTED, { nested: [REDACTED, 7] }] },
        [REDACTED]: 'a key',
      });
      expect(input).toEqual(snapshot);
      expect(redactor.value([`Signature=abc&x=1`, 3])).toEqual([`Signature=${REDACTED}&x=1`, 3]);
      expect(redactor.value(`x ${PLAIN}`)).toBe(`x ${REDACTED}`);
      expect(redactor.value(42)).toBe(42);
    });
  });
});
