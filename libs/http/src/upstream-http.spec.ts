import { GatewayError } from '@images/core';
import { FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { UpstreamHttp } from './upstream-http';

describe('UpstreamHttp', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => (request.path.endsWith('/hang') ? { hang: true } : request.path.endsWith('/reset') ? { reset: true } : { body: { ok: true } }));
  });
  afterAll(() => upstream.close());

  const client = (deps = recordingDeps()) => ({ deps, http: new UpstreamHttp({ provider: 'p', baseUrl: `${upstream.url}/prefix`, observer: deps.observer, logger: deps.logger, maxSockets: 4 }) });
  const get = (path: string, signal = AbortSignal.timeout(2000)) => ({ operation: 'op', method: 'GET' as const, path, signal });

  it('sends to the base path prefix and hands the parsed answer to the interpreter', async () => {
    const { http, deps } = client();
    const value = await http.call(get('/x'), (response) => response.json);
    expect(value).toEqual({ ok: true });
    expect(upstream.requests.at(-1)?.path).toBe('/prefix/x');
    expect(deps.events.at(-1)).toMatchObject({ provider: 'p', operation: 'op', httpStatus: 200, problemCode: undefined, cancelled: false });
  });

  it('turns an interpreter that trips over the answer into UPSTREAM_BAD_RESPONSE, not an outage', async () => {
    const { http } = client();
    const failure = await http.call(get('/x'), () => { throw new TypeError('cannot read x of undefined'); }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('reports a reset as UPSTREAM_UNAVAILABLE and a budget abort as UPSTREAM_TIMEOUT', async () => {
    const { http } = client();
    await expect(http.call(get('/reset'), (r) => r)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const budget = new AbortController();
    setTimeout(() => budget.abort(new GatewayError('UPSTREAM_TIMEOUT', { provider: 'p' })), 50);
    await expect(http.call(get('/hang', budget.signal), (r) => r)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it('records a call the caller abandoned as cancelled, without a warning', async () => {
    const deps = recordingDeps();
    const { http } = client(deps);
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 50);
    await expect(http.call(get('/hang', caller.signal), (r) => r)).rejects.toBeInstanceOf(GatewayError);
    expect(deps.events.at(-1)).toMatchObject({ cancelled: true, problemCode: undefined });
    expect(deps.logLines.filter((line) => line.includes('"level":"warn"'))).toHaveLength(0);
  });
});
