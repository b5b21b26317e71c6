import { IncomingHttpHeaders, get as httpGet } from 'node:http';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import type { ProviderRegistration } from '@images/core';
import { createGatewayApp, GatewayApp, GatewayAppOptions } from '../../apps/gateway/src/app.factory';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { PROVIDER_REGISTRATIONS } from '../../apps/gateway/src/config/provider-registry';
import { RunningSim, SimOptions, startVendorSim } from '../../apps/vendor-sim/src';
import { OPEN_GATEWAY_ENV } from './processes';
import { deleteKeysWithPrefix, testRedisClient, testRedisEnv, uniquePrefix } from './redis';
import { checkClosedGateway, recordAnswers, RecordedAnswer } from './wire-contract';

const REDIS_TARGETS = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'];

export type Vendor = 'didi' | 'huawei' | 'ucloud' | 'cecstack';
export const VENDORS: readonly Vendor[] = ['didi', 'huawei', 'ucloud', 'cecstack'];

/** The gateway environment that wires every provider to a running simulator. */
export function simEnv(sim: RunningSim): Record<string, string> {
  const c = sim.credentials;
  return {
    DIDI_TOKEN: c.didiToken,
    DIDI_ENDPOINT: sim.urls.didi,
    DIDI_REGIONS: 'bj,gz',
    HUAWEI_PROJECT_ID: c.huaweiProjectId,
    HUAWEI_AK: c.huaweiAk,
    HUAWEI_SK: c.huaweiSk,
    HUAWEI_ENDPOINT: sim.urls.huawei,
    UCLOUD_PUBLIC_KEY: c.ucloudPublicKey,
    UCLOUD_PRIVATE_KEY: c.ucloudPrivateKey,
    UCLOUD_ENDPOINT: sim.urls.ucloud,
    CECSTACK_ENDPOINT: sim.urls.cecstack,
    CECSTACK_TOKEN: c.cecstackToken,
    CECSTACK_REGION_ID: c.cecstackRegionId,
  };
}

/** The CECSTACK account the simulator serves: create and copy need it (CECSTACK_TENANT_ID, CECSTACK_DEPARTMENT_ID). */
export const CECSTACK_ACCOUNT_ENV: Readonly<Record<string, string>> = {
  CECSTACK_TENANT_ID: '7074927169066926081',
  CECSTACK_DEPARTMENT_ID: '7074631167051202560',
};

export interface Gateway {
  url: string;
  app: GatewayApp;
  /** Every log line the gateway wrote. */
  logs: string[];
  keyPrefix: string;
  /** Every answer the gateway sent; on close each is checked against its OpenAPI document. */
  answers: RecordedAnswer[];
  /**
   * Closes the gateway and checks every answer against the document it serves: a drift fails the spec file when it
   * ends (or this call, with `checkNow`).
   */
  close(options?: { checkNow?: boolean }): Promise<void>;
}

/**
 * A gateway built by the production factory, listening on loopback, wired to the simulator and (unless
 * `redis: false`) to a real Redis in the test database under its own key prefix, deleted on close.
 */
export async function startGateway(
  sim: RunningSim,
  options: { env?: Record<string, string>; redis?: boolean; keyPrefix?: string; redisPort?: number; registrations?: readonly ProviderRegistration<any>[]; createApp?: GatewayAppOptions['createApp'];
    spanProcessor?: GatewayAppOptions['spanProcessor'];
  } = {},
): Promise<Gateway> {
  const keyPrefix = options.keyPrefix ?? uniquePrefix('gw');
  const useRedis = options.redis ?? true;
  const env = {
    ...simEnv(sim),
    PORT: '0',
    CACHE_KEY_PREFIX: keyPrefix,
    LOG_LEVEL: 'debug',
    ...OPEN_GATEWAY_ENV,
    // The test's own Redis variables, when it gives any, replace the test Redis (a cluster's seeds or a URL).
    ...(useRedis && !REDIS_TARGETS.some((name) => options.env?.[name]) ? testRedisEnv(options.redisPort) : {}),
    ...options.env,
  };
  const logs: string[] = [];
  const logDestination = new Writable({ write(chunk, _enc, done) { logs.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  const config = loadGatewayConfig(env, options.registrations ?? PROVIDER_REGISTRATIONS);
  const { answers, observeAnswer } = recordAnswers();
  const app = await createGatewayApp(config, { logDestination, createApp: options.createApp, observeAnswer, spanProcessor: options.spanProcessor });
  const url = await app.listen('127.0.0.1');
  return {
    url,
    app,
    logs,
    keyPrefix,
    answers,
    async close({ checkNow = false } = {}) {
      // As production shuts down: a grace (SHUTDOWN_GRACE_MS) for requests in flight, then every connection cut. An
      // aborted fetch on a kept-alive socket (a test timeout cutting a slow answer) leaves its connection busy on the
      // server for undici's keep-alive hint (~70 s), which a plain close would wait for.
      await app.shutdown('test teardown', { delay: false });
      if (useRedis) {
        const redis = testRedisClient(options.redisPort);
        await deleteKeysWithPrefix(redis, keyPrefix);
        await redis.quit();
      }
      checkClosedGateway(app.document, answers, { now: checkNow });
    },
  };
}

export async function startSim(options: SimOptions = {}): Promise<RunningSim> {
  return startVendorSim({ host: '127.0.0.1', ...options });
}

export interface SimStats {
  [vendor: string]: { requests: number; byOperation: Record<string, number>; authFailures: number };
}

/** The simulator's admin API. */
export class SimAdmin {
  constructor(private readonly sim: RunningSim) {}

  async fault(vendor: Vendor, fault: Record<string, unknown>): Promise<void> {
    await this.call('PUT', `/faults/${vendor}`, fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async stats(): Promise<SimStats> {
    return (await this.call('GET', '/stats')) as SimStats;
  }

  async resetStats(): Promise<void> {
    await this.call('DELETE', '/stats');
  }

  async catalogIds(vendor: Vendor): Promise<string[]> {
    return ((await this.call('GET', `/catalog/${vendor}`)) as { ids: string[] }).ids;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.sim.urls.admin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sim admin ${method} ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function getJson<T = any>(url: string, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON: the test sees the text */ }
  return { status: response.status, headers: response.headers, body: body as T };
}

export { Redis };

/**
 * A GET sent exactly as given: fetch() adds `Cache-Control: no-cache` beside a caller's If-None-Match (the Fetch
 * standard), which the gateway takes as refresh=true.
 */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; text: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: bytes.toString('utf8'), bytes });
      });
    }).on('error', reject);
  });
}

/** Any method, a JSON body (or none), the answer parsed when it is JSON. */
export async function sendJson<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON: the test sees the text */ }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
