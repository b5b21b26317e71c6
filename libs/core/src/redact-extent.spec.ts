import { base64TokenEnd, base64TokenStart, prefilterAnchor } from './redact-patterns';
import { SecretRedactor } from './redact';

// Where a base64 token around a secret's fragment begins and ends (escaped `+`, `/`, `=` included), and the forms a
// secret is looked for in: each wider than it should be would redact text that holds no secret.

describe('base64TokenStart', () => {
  it('walks back over base64 characters, percent-escaped + and /, and JSON-escaped /', () => {
    const text = 'id=ab%2Fc%2bd\\/ef';
    expect(base64TokenStart(text, text.indexOf('ef'), 0)).toBe(3);
    expect(base64TokenStart('x %2Fab', 5, 0)).toBe(2);
    expect(base64TokenStart('x \\/ab', 4, 0)).toBe(2);
  });

  it('stops at a character outside the token', () => {
    expect(base64TokenStart('say "abc', 7, 0)).toBe(5);
    expect(base64TokenStart('%"ab', 4, 0)).toBe(2);
  });

  it('never goes below the floor, even for an escape that starts right at it', () => {
    expect(base64TokenStart('abcdef', 4, 2)).toBe(2);
    expect(base64TokenStart('%2Fab', 3, 0)).toBe(0);
    expect(base64TokenStart('\\/ab', 2, 0)).toBe(0);
    expect(base64TokenStart('a%2Fb', 4, 2)).toBe(2);
    expect(base64TokenStart('a\\/b', 3, 2)).toBe(2);
  });
});

describe('base64TokenEnd', () => {
  it('walks on over base64 characters and escapes, then over = or %3D padding', () => {
    expect(base64TokenEnd('ab%2Fcd==x', 2)).toBe(9);
    expect(base64TokenEnd('ab%2bcd%3D%3dx', 2)).toBe(13);
    expect(base64TokenEnd('ab\\/cd"', 2)).toBe(6);
  });

  it('stops at the first character outside the token', () => {
    expect(base64TokenEnd('ab\\/"', 2)).toBe(4);
    expect(base64TokenEnd('ab%2X', 2)).toBe(2);
    expect(base64TokenEnd('abc', 3)).toBe(3);
  });
});

describe('SecretRedactor forms', () => {
  it('leaves alone text where another punctuation stands for a secret\'s / or space', () => {
    const redactor = new SecretRedactor(['key-with/slash and space']);
    expect(redactor.text('key-with\\/slash and space')).toBe('[REDACTED]');
    expect(redactor.text('key-with/slash+and+space')).toBe('[REDACTED]');
    expect(redactor.text('key\\/with/slash and space')).toBe('key\\/with/slash and space');
    expect(redactor.text('key+with/slash and space')).toBe('key+with/slash and space');
  });

  it('looks for no base64 fragment shorter than 8 characters (they would match noise)', () => {
    // base64('wxyz1') is d3h5ejE=: its fragments are 6 characters or fewer.
    expect(new SecretRedactor(['wxyz1']).text('ids d3h5ej and eHl6')).toBe('ids d3h5ej and eHl6');
  });

  it('counts the backslashes before an escape, not after', () => {
    // An escaped backslash, then the secret: nothing of the secret belongs to an escape.
    expect(new SecretRedactor(['nsecret']).text('a\\\\nsecret')).toBe('a\\\\[REDACTED]');
  });

  it('redacts nothing of a match that lies wholly inside a \\u escape, so the line stays valid JSON', () => {
    const line = JSON.stringify({ name: 'caf\u00e9' }).replace('é', '\\u00e9');
    expect(new SecretRedactor(['u00e']).text(line)).toBe(line);
    expect(() => JSON.parse(new SecretRedactor(['u00e']).text(line))).not.toThrow();
  });

  it('finds a secret with no letters or digits (its prefilter anchor is the whole pattern)', () => {
    expect(new SecretRedactor(['!@#$%^&*']).text('key=!@#$%^&* end')).toBe('key=[REDACTED] end');
  });

  it('finds the JSON-escaped form of a secret in base64, inside a longer JSON string', () => {
    const document = Buffer.from(JSON.stringify({ note: 'x pa"ss-word-1 y' })).toString('base64');
    expect(new SecretRedactor(['pa"ss-word-1']).text(`blob ${document}`)).toBe('blob [REDACTED]');
  });

  it('keeps no part of a secret after a \\u that is not an escape of the characters it precedes', () => {
    // Not JSON (a \u then an escaped backslash), as a vendor's plain-text error may be: the secret goes whole.
    expect(new SecretRedactor(['a0a0a0b1']).text('x \\u\\\\a0a0a0b1')).toBe('x \\u\\\\[REDACTED]');
  });
});


describe('prefilterAnchor', () => {
  it('takes the longest run of letters and digits, and of runs as long the one that mixes both (a word is in ordinary lines)', () => {
    expect(prefilterAnchor('sim-cecstack-token-2f7b9d4c', 'p')).toBe('2f7b9d4c');
    expect(prefilterAnchor('2f7b9d4c-cecstack', 'p')).toBe('2f7b9d4c');
    expect(prefilterAnchor('abc1-longerword', 'p')).toBe('longerword');
    expect(prefilterAnchor('a-b-c', 'whole')).toBe('whole');
  });

  it('still finds a secret whose anchor is a later run, in every encoding', () => {
    const redactor = new SecretRedactor(['sim-cecstack-token-2f7b9d4c']);
    expect(redactor.text('{"provider":"cecstack"}')).toBe('{"provider":"cecstack"}');
    expect(redactor.text('t=sim%2Dcecstack%2dtoken-2f7b9d4c')).toBe('t=[REDACTED]');
    expect(redactor.text(Buffer.from('sim-cecstack-token-2f7b9d4c').toString('base64'))).toBe('[REDACTED]');
  });
});
