import type { Image } from '@images/core';
import type { RunningSim, SimOptions } from '../../apps/vendor-sim/src';
import { fakeRegistrations, FakeProvider, ListOnlyProvider } from './fake-provider';
import { CECSTACK_ACCOUNT_ENV, Gateway, JsonResponse, SimAdmin, getJson, startGateway, startSim } from './stack';

// Set-up that several e2e spec files share: each file registers one of these suites inside its top-level
// describe and gets its own simulator and gateway, started in beforeAll and closed in afterAll.

/** The simulators' job step for the write tests: vendor jobs finish in a few steps. */
export const STEP_MS = 100;

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

/** A simulator and a gateway over it (`start`), both started in beforeAll and closed in afterAll. */
function useSimAndGateway(simOptions: SimOptions, start: (sim: RunningSim) => Promise<Gateway>): { readonly sim: RunningSim; readonly gateway: Gateway } {
  const stack = {} as { sim: RunningSim; gateway: Gateway };

  beforeAll(async () => {
    stack.sim = await startSim(simOptions);
    stack.gateway = await start(stack.sim);
  });

  afterAll(async () => {
    await stack.gateway?.close();
    await stack.sim?.close();
  });

  return stack;
}

export interface VendorWritesSuite {
  readonly sim: RunningSim;
  readonly admin: SimAdmin;
  readonly gateway: Gateway;
  url(path: string): string;
  /** The items of `GET /images?{query}` (limit=200 unless the query sets one). */
  list(query: string): Promise<Image[]>;
  byId(id: string): Promise<JsonResponse>;
}

/** API.md section 7 end to end: a gateway with the CECSTACK account over the real providers and the vendor simulators. */
export function useVendorWritesSuite(): VendorWritesSuite {
  let admin: SimAdmin;
  const stack = useSimAndGateway({ stepMs: STEP_MS }, (sim) => {
    admin = new SimAdmin(sim);
    return startGateway(sim, { env: { ...CECSTACK_ACCOUNT_ENV } });
  });
  const url = (path: string) => `${stack.gateway.url}${path}`;

  return {
    get sim() { return stack.sim; },
    get admin() { return admin; },
    get gateway() { return stack.gateway; },
    url,
    list: async (query: string): Promise<Image[]> => (await getJson(url(`/images?${query.includes('limit=') ? '' : 'limit=200&'}${query}`))).body.items,
    byId: (id: string) => getJson(url(`/images/${id}`)),
  };
}

export interface FakeProvidersSuite {
  readonly gateway: Gateway;
  readonly fake: FakeProvider;
  readonly listOnly: ListOnlyProvider;
  url(path: string): string;
}

/** The gateway's write mechanics with no vendor behind them: the in-memory `fake` and `listonly` providers (and Redis). */
export function useFakeProvidersSuite(): FakeProvidersSuite {
  let instances: ReturnType<typeof fakeRegistrations>['instances'] = {};
  const stack = useSimAndGateway({}, (sim) => {
    const fakes = fakeRegistrations();
    instances = fakes.instances;
    return startGateway(sim, { registrations: fakes.registrations, env: { FAKE_PROVIDERS: '1' } });
  });

  return {
    get gateway() { return stack.gateway; },
    get fake() { return instances.fake!; },
    get listOnly() { return instances.listOnly!; },
    url: (path: string) => `${stack.gateway.url}${path}`,
  };
}
