import { GatewayError } from '@images/core';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { CecstackConfig, CecstackProvider, cecstackConfigFromEnv } from './index';
import imageDetail from './fixtures/image-detail.json';
import sharedImages from './fixtures/shared-images.json';

// What the provider-*.spec.ts files share: a fake IMS answering by route, and the checks of what reached it. The
// gateway build compiles this file too (it takes every file under libs/ but the specs), hence the reference to
// jest's types.

const TOKEN = 'cecstack-token-value-for-tests';
export const REGION = 'region0';
export const API = '/api/image/v1';

type Route = FakeAnswer | ((request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>);

/** Answers by `METHOD path`; anything else is a 404 the test would notice. */
function routes(table: Record<string, Route>) {
  return (request: FakeRequest): FakeAnswer | Promise<FakeAnswer> => {
    const route = table[`${request.method} ${request.path}`];
    if (route === undefined) return { status: 404, body: `no route ${request.method} ${request.path}` };
    return typeof route === 'function' ? route(request) : route;
  };
}

export const success = (data: unknown) => ({ body: { requestId: 'req-ok', code: 'Success', message: '调用成功', data } });
export const page = (list: unknown[]) => success({ size: 100, current: 1, total: list.length, list });
export const vendorError = (code: string, status = 400): FakeAnswer => ({ status, body: { requestId: 'req-err', code, message: '失败', data: null } });
export const noData = vendorError('IMG.DBGet.NoData');

export function configFor(url: string, account: Partial<Record<'CECSTACK_TENANT_ID' | 'CECSTACK_DEPARTMENT_ID' | 'CECSTACK_RESOURCE_GROUP_ID', string>> = {}): CecstackConfig {
  return cecstackConfigFromEnv({ CECSTACK_ENDPOINT: url, CECSTACK_TOKEN: TOKEN, CECSTACK_REGION_ID: REGION, ...account }) as CecstackConfig;
}

/** The account of the doc's create example (1.6.8). */
export const CREATE_ACCOUNT = { CECSTACK_TENANT_ID: '7074631167042813952', CECSTACK_DEPARTMENT_ID: '7074631167051202560' };

export const ctx = () => ({ signal: AbortSignal.timeout(5000) });

export async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const outcome = await promise.then(() => 'resolved', (error: unknown) => error);
  if (outcome instanceof GatewayError) return outcome;
  throw new Error(`expected a GatewayError, got ${String(outcome)}`);
}

export function expectVendorCall(request: FakeRequest | undefined, method: string, path: string, body?: unknown): void {
  expect(request).toBeDefined();
  expect({ method: request!.method, path: request!.path }).toEqual({ method, path });
  expect(request!.headers['x-regionid']).toBe(REGION);
  expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  if (body === undefined) {
    expect(request!.body).toBe('');
  } else {
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual(body);
  }
}

export const ownRecord = (imageId: string, extra: Record<string, unknown> = {}) => ({ ...imageDetail.data, imageId, visibility: 'private', owner: 'tenant-me', ...extra });
export const shareOf = (imageId: string, shareId: string) => ({ ...sharedImages.data.list[0], shareId, imageId, image: { ...sharedImages.data.list[0].image, imageId } });
export const SHARED_ID = sharedImages.data.list[0].imageId;
export const SHARE_ID = sharedImages.data.list[0].shareId;

/** `serve` for one describe block: each call starts a fake IMS, closed after the test. */
export function useFakeIms() {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  return async function serve(table: Record<string, Route>, account = {}, deps = recordingDeps()) {
    upstream = await startFakeUpstream(routes(table));
    return { provider: new CecstackProvider(configFor(upstream.url, account), deps), deps, requests: upstream.requests };
  };
}
