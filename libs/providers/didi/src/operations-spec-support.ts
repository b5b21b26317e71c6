import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageProvider } from '@images/core';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { didiRegistration } from './index';

// What the operations-*.spec.ts files share: DiDi's doc examples, a loopback DiDi answering by path, and the
// checks of what reached it. The gateway build compiles this file too (it takes every file under libs/ but the
// specs), hence the reference to jest's types.

export const TOKEN = 'didi-token-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
/** DiDi's cimg/create example: the request's `cimg` (an object there; the parameter table says array) and the answer. */
export const createExample: { request: { cimg: { name: string; snapUuid: string; description: string } }; response: { data: Array<Record<string, unknown>> } } =
  fixture('cimg-create-example.json');
const docItem: Record<string, unknown> = fixture('cimg-list-response.json').data.items[0];
const docJob = createExample.response.data[0];

export const ok = (data: unknown): FakeAnswer => ({ body: { errno: 0, errmsg: 'ok', requestId: 'req-ok', data } });
export const errno = (code: number, errmsg: string): FakeAnswer => ({ body: { errno: code, errmsg, requestId: `req-${code}`, data: null } });
const job = (fields: Record<string, unknown>) => ({ ...docJob, ...fields });
export const jobAnswer = (fields: Record<string, unknown>): FakeAnswer => ok([job(fields)]);
export const item = (cimgUuid: string, fields: Record<string, unknown> = {}) => ({ ...docItem, cimgUuid, ...fields });
export const bodyOf = (request: FakeRequest) => JSON.parse(request.body);
export const context = () => ({ signal: AbortSignal.timeout(5000) });

export const LIST = '/dicloud/i/storage/cimg/list';
export type Handler = (request: FakeRequest) => FakeAnswer;
/** Routes by path: `cimg/list` answers each region's items, every other path its own handler. */
export function vendor(routes: Record<string, Handler>, catalogs: Record<string, unknown[]> = {}): Handler {
  return (request) => {
    if (request.path === LIST) {
      const { regionId, start, limit } = bodyOf(request);
      const items = catalogs[regionId] ?? [];
      return ok({ count: items.length, items: items.slice(start, start + limit) });
    }
    const route = routes[request.path];
    return route ? route(request) : { status: 404, body: 'no route' };
  };
}

/** `didi` for one describe block: each call starts a loopback DiDi, closed after the test. */
export function useFakeDidi() {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  /** `providerId`: the account the provider is enabled under (PROVIDERS_FILE); default the vendor's id. */
  return async function didi(handler: Handler, regions = 'bj', providerId?: string) {
    upstream = await startFakeUpstream(handler);
    const deps = { ...recordingDeps(), ...(providerId ? { providerId } : {}) };
    const config = didiRegistration.fromEnv({ DIDI_TOKEN: TOKEN, DIDI_REGIONS: regions, DIDI_ENDPOINT: upstream.url })!;
    const provider: ImageProvider = didiRegistration.create(config, deps);
    return { provider, deps, upstream };
  };
}

export function expectJsonPost(request: FakeRequest, path: string) {
  expect(request.method).toBe('POST');
  expect(request.path).toBe(path);
  expect(request.rawQuery).toBe('');
  expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(request.headers['content-type']).toBe('application/json');
}

export const writes = (u: FakeUpstream) => u.requests.filter((r) => r.path !== LIST);
