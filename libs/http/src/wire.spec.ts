import { PassThrough, Readable } from 'node:stream';
import { GatewayError } from '@images/core';
import { encodeRfc3986, isCancellation, lowerCaseHeaders, parseJson, readBounded, retryAfterSeconds } from './wire';

describe('isCancellation', () => {
  const aborted = (reason?: unknown) => {
    const controller = new AbortController();
    controller.abort(reason);
    return controller.signal;
  };

  it('is false while the signal is live', () => {
    expect(isCancellation(new AbortController().signal)).toBe(false);
  });

  it('is true when the caller aborted without a reason or with its own', () => {
    expect(isCancellation(aborted())).toBe(true);
    expect(isCancellation(aborted(new Error('client went away')))).toBe(true);
    expect(isCancellation(aborted('gone'))).toBe(true);
  });

  it('is false when a budget ran out: a GatewayError or a TimeoutError reason', () => {
    expect(isCancellation(aborted(new GatewayError('UPSTREAM_TIMEOUT', { provider: 'p' })))).toBe(false);
    expect(isCancellation(aborted(new DOMException('late', 'TimeoutError')))).toBe(false);
  });
});

describe('parseJson', () => {
  it('parses JSON, and gives undefined for an empty or broken body', () => {
    expect(parseJson('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseJson('0')).toBe(0);
    expect(parseJson('')).toBeUndefined();
    expect(parseJson('{oops')).toBeUndefined();
  });
});

describe('encodeRfc3986', () => {
  it("percent-encodes what encodeURIComponent leaves: ! ' ( ) *", () => {
    expect(encodeRfc3986("a!b'c(d)e*f")).toBe('a%21b%27c%28d%29e%2Af');
    expect(encodeRfc3986('a b/c=d&é~-._')).toBe('a%20b%2Fc%3Dd%26%C3%A9~-._');
  });
});

describe('retryAfterSeconds', () => {
  it('reads whole and fractional seconds, rounding up', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds('0')).toBe(0);
    expect(retryAfterSeconds('1.2')).toBe(2);
  });

  it('is undefined without a header or with garbage', () => {
    expect(retryAfterSeconds(undefined)).toBeUndefined();
    expect(retryAfterSeconds('')).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });

  it('reads an HTTP date as the whole seconds until it, never negative', () => {
    jest.useFakeTimers({ now: Date.UTC(2030, 0, 1, 0, 0, 0) });
    try {
      expect(retryAfterSeconds('Tue, 01 Jan 2030 00:00:30 GMT')).toBe(30);
      expect(retryAfterSeconds('Tue, 01 Jan 2030 00:00:00 GMT')).toBe(0);
      jest.setSystemTime(Date.UTC(2030, 0, 1, 0, 0, 0, 500));
      expect(retryAfterSeconds('Tue, 01 Jan 2030 00:00:30 GMT')).toBe(30);
      expect(retryAfterSeconds('Mon, 31 Dec 2029 23:59:00 GMT')).toBe(0);
      // A negative number is not a delay: read as a date (year -5), it is long past.
      expect(retryAfterSeconds('-5')).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('lowerCaseHeaders', () => {
  it('lower-cases names, joins repeated values and drops absent ones', () => {
    expect(lowerCaseHeaders({ 'Content-Type': 'text/plain', 'Set-Cookie': ['a=1', 'b=2'], 'X-N': 5, 'X-None': undefined, 'X-Null': null }))
      .toEqual({ 'content-type': 'text/plain', 'set-cookie': 'a=1, b=2', 'x-n': '5' });
    expect(lowerCaseHeaders(undefined)).toEqual({});
  });
});

describe('readBounded', () => {
  it('reads a short body whole', async () => {
    expect(await readBounded(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 10)).toBe('abcd');
  });

  it('reads string chunks too', async () => {
    expect(await readBounded(Readable.from(['héllo', ' wörld'], { objectMode: true }), 100)).toBe('héllo wörld');
  });

  it('stops at the limit, cutting the last chunk, and destroys the rest of the body', async () => {
    const body = new PassThrough();
    const text = readBounded(body, 5);
    body.write('abc');
    body.write('defgh');
    expect(await text).toBe('abcde');
    expect(body.destroyed).toBe(true);
  });

  it('stops at exactly the limit', async () => {
    const body = new PassThrough();
    const text = readBounded(body, 4);
    body.write('abcd');
    expect(await text).toBe('abcd');
    expect(body.destroyed).toBe(true);
  });

  it('rejects when the body breaks before the end, and ignores an error after it is done', async () => {
    const broken = new PassThrough();
    const text = readBounded(broken, 100);
    broken.write('ab');
    broken.destroy(new Error('reset'));
    await expect(text).rejects.toThrow('reset');

    const done = new PassThrough();
    const whole = readBounded(done, 2);
    done.write('abc');
    await expect(whole).resolves.toBe('ab');
    done.emit('error', new Error('late'));
    await expect(whole).resolves.toBe('ab');
  });

  it('stops listening for data once it has answered', async () => {
    const body = new PassThrough();
    const text = readBounded(body, 100);
    body.end('xy');
    expect(await text).toBe('xy');
    expect(body.listenerCount('data')).toBe(0);
  });
});
