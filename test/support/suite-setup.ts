import type { Image } from '@images/core';
import type { RunningSim, SimOptions } from '../../apps/vendor-sim/src';
import { fakeRegistrations, FakeProvider, ListOnlyProvider } from './fake-provider';
import { CECSTACK_ACCOUNT_ENV, Gateway, JsonResponse, SimAdmin, getJson, startGateway, startSim } from './stack';

// Set-up that several e2e spec files share. A describe calls one of the use* functions and gets its own vendor
// simulator (and gateway), started in beforeAll and closed in afterAll; the tests reach them as suite.sim,
// suite.admin, suite.gateway (or suite.fake, ...), and use the waits and checks below.

/** The simulators' job step for the write tests: vendor jobs finish in a few steps. */
export const STEP_MS = 100;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` holds (or fails the test after `timeoutMs`). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms; last: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function expectProblem(answer: { status: number; headers: Headers; body: any }, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.code, detail: answer.body?.detail }).toMatchObject({ status, code });
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
}

export interface SimSuite {
  readonly sim: RunningSim;
  readonly admin: SimAdmin;
}

export interface GatewaySuite extends SimSuite {
  readonly gateway: Gateway;
}

/**
 * A vendor simulator and its admin API for the describe this is called in: started in beforeAll, then `setUp`;
 * in afterAll `tearDown`, then the simulator closed.
 */
export function useSim(
  simOptions: SimOptions = {},
  hooks: { setUp?: (suite: SimSuite) => Promise<void>; tearDown?: (suite: SimSuite) => Promise<void> } = {},
): SimSuite {
  const suite = {} as { sim: RunningSim; admin: SimAdmin };

  beforeAll(async () => {
    suite.sim = await startSim(simOptions);
    suite.admin = new SimAdmin(suite.sim);
    await hooks.setUp?.(suite);
  });

  afterAll(async () => {
    await hooks.tearDown?.(suite);
    await suite.sim?.close();
  });

  return suite;
}

/** useSim and a gateway over the simulator (`start`); in afterAll the gateway is closed, then `stop` runs, then the simulator closes. */
export function useSimAndGateway(simOptions: SimOptions, start: (sim: RunningSim) => Promise<Gateway>, stop?: () => Promise<void>): GatewaySuite {
  const suite: SimSuite & { gateway: Gateway } = useSim(simOptions, {
    setUp: async ({ sim }) => {
      suite.gateway = await start(sim);
    },
    tearDown: async () => {
      await suite.gateway?.close();
      await stop?.();
    },
  }) as SimSuite & { gateway: Gateway };
  return suite;
}

export interface VendorWritesSuite extends GatewaySuite {
  url(path: string): string;
  /** The items of `GET /images?{query}` (limit=200 unless the query sets one). */
  list(query: string): Promise<Image[]>;
  byId(id: string): Promise<JsonResponse>;
}

/** API.md section 7 end to end: a gateway with the CECSTACK account over the real providers and the vendor simulators. */
export function useVendorWritesSuite(): VendorWritesSuite {
  const suite = useSimAndGateway({ stepMs: STEP_MS }, (sim) => startGateway(sim, { env: { ...CECSTACK_ACCOUNT_ENV } }));
  const url = (path: string) => `${suite.gateway.url}${path}`;

  return Object.assign(suite, {
    url,
    list: async (query: string): Promise<Image[]> => (await getJson(url(`/images?${query.includes('limit=') ? '' : 'limit=200&'}${query}`))).body.items,
    byId: (id: string) => getJson(url(`/images/${id}`)),
  });
}

export interface FakeProvidersSuite {
  readonly gateway: Gateway;
  readonly fake: FakeProvider;
  readonly listOnly: ListOnlyProvider;
  url(path: string): string;
}

/**
 * The gateway's write mechanics with no vendor behind them: the in-memory `fake` and `listonly` providers (and Redis),
 * with `env` over the defaults (callers, limits).
 */
export function useFakeProvidersSuite(env: Record<string, string> = {}): FakeProvidersSuite {
  let instances: ReturnType<typeof fakeRegistrations>['instances'] = {};
  const suite = useSimAndGateway({}, (sim) => {
    const fakes = fakeRegistrations();
    instances = fakes.instances;
    return startGateway(sim, { registrations: fakes.registrations, env: { FAKE_PROVIDERS: '1', ...env } });
  });

  return {
    get gateway() { return suite.gateway; },
    get fake() { return instances.fake!; },
    get listOnly() { return instances.listOnly!; },
    url: (path: string) => `${suite.gateway.url}${path}`,
  };
}
