import type { DidiJob } from './catalogs/didi';
import { DIDI_SNAPSHOTS, RunningSim } from './index';

// What the didi-writes-*.spec.ts files share: the CIMG writes and the job results over real sockets, as the
// gateway's client will call them. The app build compiles this file too (it takes every file under src/ but the
// specs), hence the reference to jest's types.

export type Json = any;
export type Job = DidiJob;

export const BJ_SNAPSHOT = DIDI_SNAPSHOTS.find((snapshot) => snapshot.regionId === 'bj')!;
export const GZ_SNAPSHOT = DIDI_SNAPSHOTS.find((snapshot) => snapshot.regionId === 'gz')!;
const JOB_FIELDS = ['done', 'jobUuid', 'progress', 'resourceType', 'resourceUuid', 'result', 'status', 'success', 'type', 'uuid'];

export function client(sim: RunningSim) {
  const auth = (token: string | null): Record<string, string> => (token === null ? {} : { authorization: `Bearer ${token}` });
  const post = async (operation: string, body: unknown, token: string | null = sim.credentials.didiToken) => {
    const response = await fetch(`${sim.urls.didi}/dicloud/i/storage/cimg/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(token) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const result = async (query: string, token: string | null = sim.credentials.didiToken) => {
    const response = await fetch(`${sim.urls.didi}/dicloud/i/result?${query}`, { headers: auth(token) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const jobs = async (jobUuids: string[]): Promise<Job[]> => {
    const { body } = await result(`regionId=bj&jobUuids=${jobUuids.join(',')}`);
    expect(body.errno).toBe(0);
    return body.data;
  };
  /** The whole region list, walked in pages. */
  const list = async (regionId: string): Promise<Json[]> => {
    const items: Json[] = [];
    for (let start = 0, count = Infinity; start < count; start += 100) {
      const { body } = await post('list', { regionId, start, limit: 100 });
      expect(body.errno).toBe(0);
      count = body.data.count;
      items.push(...body.data.items);
    }
    return items;
  };
  const find = async (regionId: string, cimgUuid: string) => (await list(regionId)).find((item) => item.cimgUuid === cimgUuid);
  /** Asserts a successful write answer and returns its jobs. */
  const write = async (operation: string, body: unknown): Promise<Job[]> => {
    const answer = await post(operation, body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ errno: 0, errmsg: 'ok', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    for (const job of answer.body.data) expect(Object.keys(job).sort()).toEqual(JOB_FIELDS);
    return answer.body.data;
  };
  return { post, result, jobs, list, find, write };
}

/** An image of the seeded catalog the account owns and may copy, rename or delete. */
export const ownReady = (items: Json[]) => items.filter((item) => item.type === 'custom' && !item.isShared && item.status === 'Ready' && item.name !== '北京02');
