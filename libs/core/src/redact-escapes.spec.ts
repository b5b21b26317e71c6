import { REDACTED, SecretRedactor } from './redact';

// A redaction in a serialized JSON line must leave it parseable, wherever the match starts or ends in an escape.

describe('SecretRedactor keeps a JSON line valid', () => {
  // The raw line holds `caf\u00e9-tail-secret`: a secret can start at every character of the escape.
  const line = '{"msg":"caf\\u00e9-tail-secret"}';

  it.each(['u00e9-tail-secret', '00e9-tail-secret', '0e9-tail-secret', 'e9-tail-secret', '9-tail-secret'])(
    'when the secret %j starts inside a \\u escape, finishing the escape',
    (secret) => {
      const out = new SecretRedactor([secret]).text(line);
      expect(JSON.parse(out)).toEqual({ msg: `café${REDACTED}` });
    },
  );

  it('when the text itself starts with the escape', () => {
    expect(new SecretRedactor(['e9-tail-secret']).text('\\u00e9-tail-secret')).toBe(`\\u00e9${REDACTED}`);
    expect(new SecretRedactor(['9-tail-secret']).text('\\u00e9-tail-secret')).toBe(`\\u00e9${REDACTED}`);
  });

  it.each([['n', 'x\nope-secret-1'], ['t', 'x\tabs-secret-1'], ['r', 'x\rets-secret-1']])(
    'when the secret starts right after the backslash of \\%s',
    (_, text) => {
      const secret = JSON.stringify(text).slice(1, -1).slice(2);
      const out = new SecretRedactor([secret]).text(JSON.stringify({ msg: text }));
      expect(JSON.parse(out)).toEqual({ msg: `x${text[1]}${REDACTED}` });
    },
  );

  it('when the line starts with an escaped backslash followed by the secret', () => {
    const r = new SecretRedactor(['lead-secret-1']);
    expect(r.text('\\\\lead-secret-1 x')).toBe(`\\\\${REDACTED} x`);
  });

  it('when a backslash before the secret is itself escaped (an even run), nothing is kept', () => {
    const r = new SecretRedactor(['nope-secret-2']);
    const out = r.text(JSON.stringify({ msg: 'dir\\nope-secret-2' }));
    expect(JSON.parse(out)).toEqual({ msg: `dir\\${REDACTED}` });
  });

  it('when the secret ends with a backslash that escapes the next character', () => {
    const r = new SecretRedactor(['end-secret-3\\']);
    expect(JSON.parse(r.text(JSON.stringify({ a: 'end-secret-3\n', b: 'end-secret-3\\"q' })))).toEqual({ a: `${REDACTED}\n`, b: `${REDACTED}"q` });
  });

  it('when the secret ends with an escaped backslash, it goes whole', () => {
    const r = new SecretRedactor(['whole-secret-4\\']);
    expect(JSON.parse(r.text(JSON.stringify({ a: 'whole-secret-4\\ next' })))).toEqual({ a: `${REDACTED} next` });
  });

  it('a \\u escape that is itself escaped (\\\\u00) is plain text, so nothing of it is kept', () => {
    const r = new SecretRedactor(['e9-plain-secret']);
    const out = r.text(JSON.stringify({ msg: 'caf\\u00e9-plain-secret' }));
    expect(JSON.parse(out)).toEqual({ msg: `caf\\u00${REDACTED}` });
  });
});
