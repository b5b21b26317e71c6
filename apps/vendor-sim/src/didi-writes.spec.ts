import type { DidiJob } from './catalogs/didi';
import { DIDI_DOC_CREATE_ANSWER, DIDI_DOC_CREATE_REQUEST } from './fixtures/didi-examples';
import { DIDI_SNAPSHOTS, RunningSim, startVendorSim } from './index';

// The CIMG writes and the job results over real sockets, as the gateway's client will call them.

type Json = any;
type Job = DidiJob;

const BJ_SNAPSHOT = DIDI_SNAPSHOTS.find((snapshot) => snapshot.regionId === 'bj')!;
const GZ_SNAPSHOT = DIDI_SNAPSHOTS.find((snapshot) => snapshot.regionId === 'gz')!;
const JOB_FIELDS = ['done', 'jobUuid', 'progress', 'resourceType', 'resourceUuid', 'result', 'status', 'success', 'type', 'uuid'];

function client(sim: RunningSim) {
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
const ownReady = (items: Json[]) => items.filter((item) => item.type === 'custom' && !item.isShared && item.status === 'Ready' && item.name !== '北京02');

describe('DiDi simulator: CIMG writes, state at once (jobs held at their first step)', () => {
  let sim: RunningSim;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: 600_000 });
    api = client(sim);
  });
  afterAll(() => sim.close());

  it('cimg/create answers a running Job shaped like the doc example, and lists the image as Creating at once', async () => {
    const before = await api.list('bj');
    const [job] = await api.write('create', { regionId: 'bj', cimg: [{ name: 'web-golden', snapUuid: BJ_SNAPSHOT.snapUuid, description: 'from snapshot' }] });
    const docJob = DIDI_DOC_CREATE_ANSWER.data[0];
    expect(Object.keys(docJob).every((field) => field in job)).toBe(true);
    expect(job).toEqual({
      jobUuid: expect.stringMatching(/^[0-9a-f]{32}$/),
      uuid: job.jobUuid,
      resourceUuid: expect.stringMatching(/^[0-9a-f]{32}$/),
      type: docJob.type,
      resourceType: docJob.resourceType,
      status: docJob.status,
      progress: 0,
      done: false,
      success: false,
      result: '',
    });

    const after = await api.list('bj');
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({
      cimgUuid: job.resourceUuid,
      cimgId: expect.stringMatching(/^cimg-[a-z0-9]{8}$/),
      name: 'web-golden',
      description: 'from snapshot',
      status: 'Creating',
      type: 'custom',
      isShared: false,
      regions: ['bj'],
      zones: ['bj01'],
      osFamily: BJ_SNAPSHOT.osFamily,
      osVersion: BJ_SNAPSHOT.osVersion,
      platform: BJ_SNAPSHOT.platform,
      size: BJ_SNAPSHOT.size,
      requirement: { minDiskSize: BJ_SNAPSHOT.minDiskSize },
      job: { jobUuid: job.jobUuid, progress: 0, done: false },
    });
    expect(await api.find('gz', job.resourceUuid)).toBeUndefined();
    expect(await api.jobs([job.jobUuid])).toEqual([job]);
  });

  it('accepts `cimg` as one object, as the doc’s curl example sends it', async () => {
    const [job] = await api.write('create', { regionId: 'bj', ...DIDI_DOC_CREATE_REQUEST });
    expect(await api.find('bj', job.resourceUuid)).toMatchObject({ name: 'openapi自定义镜像', description: '测试自定义镜像', status: 'Creating' });
  });

  it('creates one image and one Job per item', async () => {
    const jobs = await api.write('create', {
      regionId: 'gz',
      cimg: DIDI_SNAPSHOTS.filter((snapshot) => snapshot.regionId === 'gz').map((snapshot, index) => ({ name: `gz-batch-${index}`, snapUuid: snapshot.snapUuid })),
    });
    expect(jobs).toHaveLength(2);
    expect(new Set(jobs.map((job) => job.resourceUuid)).size).toBe(2);
    const gz = await api.list('gz');
    for (const [index, job] of jobs.entries()) expect(gz.find((item) => item.cimgUuid === job.resourceUuid)).toMatchObject({ name: `gz-batch-${index}`, description: '' });
  });

  it('cimg/import copies an own Ready image into another region as a new Creating image', async () => {
    const origin = ownReady(await api.list('bj'))[0];
    const gzBefore = await api.list('gz');
    const [job] = await api.write('import', { regionId: 'gz', cimg: [{ name: 'copied-to-gz', originImageUuid: origin.cimgUuid, originRegionId: 'bj', description: 'copy' }] });
    expect(job).toMatchObject({ type: 'ImportCIMG', resourceType: 'cimg', status: 'Processing', progress: 0, done: false, success: false });
    expect(job.resourceUuid).not.toBe(origin.cimgUuid);
    const gz = await api.list('gz');
    expect(gz).toHaveLength(gzBefore.length + 1);
    expect(gz[0]).toMatchObject({
      cimgUuid: job.resourceUuid,
      name: 'copied-to-gz',
      description: 'copy',
      status: 'Creating',
      regions: ['gz'],
      zones: ['gz01', 'gz02'],
      osFamily: origin.osFamily,
      osVersion: origin.osVersion,
      size: origin.size,
      job: { jobUuid: job.jobUuid },
    });
    expect(await api.find('bj', origin.cimgUuid)).toEqual(origin);
  });

  it('cimg/changeName renames at once and answers a finished Job', async () => {
    const target = ownReady(await api.list('bj'))[1];
    const [job] = await api.write('changeName', { regionId: 'bj', cimg: [{ cimgUuid: target.cimgUuid, name: 'renamed-image' }] });
    expect(job).toMatchObject({ type: 'ChangeCIMGName', resourceUuid: target.cimgUuid, progress: 100, done: true, success: true, status: 'Succeeded' });
    const { body } = await api.post('list', { regionId: 'bj', start: 0, limit: 10, condition: { names: ['renamed-image'] } });
    expect(body.data.count).toBe(1);
    expect(body.data.items[0]).toMatchObject({ cimgUuid: target.cimgUuid, name: 'renamed-image', createTime: target.createTime });
    expect(body.data.items[0].updateTime).toBeGreaterThan(target.updateTime);
  });

  it('cimg/delete removes the image at once and answers a finished Job', async () => {
    const before = await api.list('bj');
    const target = ownReady(before)[2];
    const [job] = await api.write('delete', { regionId: 'bj', cimg: [{ cimgUuid: target.cimgUuid }] });
    expect(job).toMatchObject({ type: 'DeleteCIMG', resourceUuid: target.cimgUuid, progress: 100, done: true, success: true, status: 'Succeeded' });
    const after = await api.list('bj');
    expect(after).toHaveLength(before.length - 1);
    expect(after.some((item) => item.cimgUuid === target.cimgUuid)).toBe(false);
    expect(await api.jobs([job.jobUuid])).toEqual([job]);
  });

  it('fails the create job of an image deleted while it is created', async () => {
    const [created] = await api.write('create', { regionId: 'bj', cimg: [{ name: 'short-lived', snapUuid: BJ_SNAPSHOT.snapUuid }] });
    await api.write('delete', { regionId: 'bj', cimg: [{ cimgUuid: created.resourceUuid }] });
    const [job] = await api.jobs([created.jobUuid]);
    expect(job).toMatchObject({ done: true, success: false, status: 'Failed', result: expect.stringMatching(/.+/) });
    expect(await api.find('bj', created.resourceUuid)).toBeUndefined();
  });

  it('keeps the admin catalog view in step with the lists, and shows the known snapshots', async () => {
    const [job] = await api.write('create', { regionId: 'gz', cimg: [{ name: 'seen-by-admin', snapUuid: GZ_SNAPSHOT.snapUuid }] });
    const view = (await (await fetch(`${sim.urls.admin}/catalog/didi`)).json()) as Json;
    expect(view.lists.bj).toEqual((await api.list('bj')).map((item) => item.cimgUuid));
    expect(view.lists.gz).toEqual((await api.list('gz')).map((item) => item.cimgUuid));
    expect(view.lists.gz[0]).toBe(job.resourceUuid);
    expect(view.ids).toContain(job.resourceUuid);
    expect(view.items.find((item: Json) => item.cimgUuid === job.resourceUuid)).toMatchObject({ status: 'Creating', name: 'seen-by-admin' });
    expect(view.snapshots).toEqual({
      bj: DIDI_SNAPSHOTS.filter((snapshot) => snapshot.regionId === 'bj').map((snapshot) => snapshot.snapUuid),
      gz: DIDI_SNAPSHOTS.filter((snapshot) => snapshot.regionId === 'gz').map((snapshot) => snapshot.snapUuid),
    });
  });

  it('GET /dicloud/i/result answers the known jobs in the order asked, once each, and leaves unknown ids out', async () => {
    const [first] = await api.write('create', { regionId: 'bj', cimg: [{ name: 'r1', snapUuid: BJ_SNAPSHOT.snapUuid }] });
    const [second] = await api.write('create', { regionId: 'bj', cimg: [{ name: 'r2', snapUuid: BJ_SNAPSHOT.snapUuid }] });
    const unknown = 'ffffffffffffffffffffffffffffffff';
    const { status, body } = await api.result(`regionId=gz&jobUuids=${second.jobUuid},${unknown},${first.jobUuid},${second.jobUuid}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ errno: 0, errmsg: 'ok', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(body.data.map((job: Job) => job.jobUuid)).toEqual([second.jobUuid, first.jobUuid]);
    expect((await api.result(`regionId=bj&jobUuids=${unknown}`)).body).toMatchObject({ errno: 0, data: [] });
    expect((await api.result(`regionId=bj&jobUuids=${first.jobUuid}&jobUuids=${second.jobUuid}`)).body.data).toHaveLength(2);
  });

  it('reports the seeded catalog’s creating images’ jobs too', async () => {
    const creating = (await api.list('bj')).find((item) => item.status === 'Creating' && item.job.progress > 0);
    const [job] = await api.jobs([creating.job.jobUuid]);
    expect(job).toEqual(creating.job);
    expect(job).toMatchObject({ type: 'CreateCIMG', resourceUuid: creating.cimgUuid, done: false, status: 'Processing' });
  });

  it('counts each call under its own operation in the stats', async () => {
    const stats = (await (await fetch(`${sim.urls.admin}/stats`)).json()) as Json;
    expect(stats.didi.byOperation).toMatchObject({ 'cimg/create': expect.any(Number), 'cimg/import': 1, 'cimg/delete': 2, 'cimg/changeName': 1, result: expect.any(Number) });
  });

  it('answers 404 for a write with the wrong method', async () => {
    expect((await fetch(`${sim.urls.didi}/dicloud/i/storage/cimg/create`)).status).toBe(404);
    expect((await fetch(`${sim.urls.didi}/dicloud/i/result?regionId=bj&jobUuids=a`, { method: 'POST' })).status).toBe(404);
  });
});

describe('DiDi simulator: jobs run to the end (stepMs 50)', () => {
  const STEP_MS = 50;
  let sim: RunningSim;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: STEP_MS });
    api = client(sim);
  });
  afterAll(() => sim.close());

  /** Polls the job until done; returns every progress seen and when it was first done. */
  async function follow(jobUuid: string): Promise<{ seen: number[]; final: Job }> {
    const seen: number[] = [];
    for (;;) {
      const [job] = await api.jobs([jobUuid]);
      seen.push(job.progress);
      if (job.done) return { seen, final: job };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it.each([
    ['create', () => ({ regionId: 'bj', cimg: [{ name: 'ready-soon', snapUuid: BJ_SNAPSHOT.snapUuid }] }), 'bj'],
    ['import', async () => ({ regionId: 'gz', cimg: [{ name: 'copy-ready-soon', originImageUuid: ownReady(await api.list('bj'))[0].cimgUuid, originRegionId: 'bj' }] }), 'gz'],
  ] as const)('%s: progress rises in steps of 50 to done, and the image becomes Ready', async (operation, body, region) => {
    const payload = await body();
    const startedBefore = Date.now();
    const [job] = await api.write(operation, payload);
    const { seen, final } = await follow(job.jobUuid);
    expect(Date.now() - startedBefore).toBeGreaterThanOrEqual(2 * STEP_MS);
    expect(seen.every((progress) => [0, 50, 100].includes(progress))).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(final).toMatchObject({ progress: 100, done: true, success: true, status: 'Succeeded', result: '', resourceUuid: job.resourceUuid });
    const image = await api.find(region, job.resourceUuid);
    expect(image.status).toBe('Ready');
    expect(image).not.toHaveProperty('job');
  });
});

describe('DiDi simulator: CIMG write errors (HTTP 200, errno ≠ 0, nothing changed)', () => {
  let sim: RunningSim;
  let api: ReturnType<typeof client>;
  let bj: Json[];
  let gz: Json[];

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: 600_000 });
    api = client(sim);
    bj = await api.list('bj');
    gz = await api.list('gz');
  });
  afterAll(() => sim.close());

  afterEach(async () => {
    expect((await api.list('bj')).map((item) => [item.cimgUuid, item.name])).toEqual(bj.map((item) => [item.cimgUuid, item.name]));
    expect((await api.list('gz')).map((item) => item.cimgUuid)).toEqual(gz.map((item) => item.cimgUuid));
  });

  async function expectErrno(operation: string, body: unknown, errno: number) {
    const answer = await api.post(operation, body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ errno, requestId: expect.stringMatching(/^[0-9a-f]{32}$/), data: null });
    expect(answer.body.errmsg).not.toBe('ok');
  }

  const own = () => ownReady(bj)[0];
  const sharedImage = () => bj.find((item) => item.isShared);
  const standardImage = () => bj.find((item) => item.type === 'standard');

  it('errno 4 for a wrong or missing token, on every call', async () => {
    for (const token of ['wrong-token', null]) {
      for (const operation of ['create', 'import', 'delete', 'changeName']) {
        const answer = await api.post(operation, { regionId: 'bj', cimg: [{ name: 'x', snapUuid: BJ_SNAPSHOT.snapUuid, cimgUuid: own().cimgUuid }] }, token);
        expect(answer.body).toMatchObject({ errno: 4, data: null });
      }
      expect((await api.result('regionId=bj&jobUuids=abc', token)).body).toMatchObject({ errno: 4, data: null });
    }
  });

  it.each<[string, string, unknown]>([
    ['not JSON', 'create', '{"regionId":'],
    ['a JSON array', 'create', [{ regionId: 'bj' }]],
    ['no regionId', 'create', { cimg: [{ name: 'a', snapUuid: 'b' }] }],
    ['no cimg', 'create', { regionId: 'bj' }],
    ['an empty cimg', 'create', { regionId: 'bj', cimg: [] }],
    ['cimg a string', 'create', { regionId: 'bj', cimg: 'x' }],
    ['a cimg item not an object', 'create', { regionId: 'bj', cimg: [1] }],
    ['no name', 'create', { regionId: 'bj', cimg: [{ snapUuid: 'b' }] }],
    ['a blank name', 'create', { regionId: 'bj', cimg: [{ name: '  ', snapUuid: 'b' }] }],
    ['a name of 129 characters', 'create', { regionId: 'bj', cimg: [{ name: 'n'.repeat(129), snapUuid: 'b' }] }],
    ['a numeric name', 'create', { regionId: 'bj', cimg: [{ name: 7, snapUuid: 'b' }] }],
    ['no snapUuid', 'create', { regionId: 'bj', cimg: [{ name: 'a' }] }],
    ['a numeric description', 'create', { regionId: 'bj', cimg: [{ name: 'a', snapUuid: 'b', description: 5 }] }],
    ['import without originImageUuid', 'import', { regionId: 'gz', cimg: [{ name: 'a', originRegionId: 'bj' }] }],
    ['import without originRegionId', 'import', { regionId: 'gz', cimg: [{ name: 'a', originImageUuid: 'x' }] }],
    ['import without name', 'import', { regionId: 'gz', cimg: [{ originImageUuid: 'x', originRegionId: 'bj' }] }],
    ['delete without cimgUuid', 'delete', { regionId: 'bj', cimg: [{}] }],
    ['changeName without name', 'changeName', { regionId: 'bj', cimg: [{ cimgUuid: 'x' }] }],
    ['changeName without cimgUuid', 'changeName', { regionId: 'bj', cimg: [{ name: 'x' }] }],
  ])('errno 1 for %s', (_case, operation, body) => expectErrno(operation, body, 1));

  it('errno 1 for a cimgUuid given twice in one delete', () => expectErrno('delete', { regionId: 'bj', cimg: [{ cimgUuid: own().cimgUuid }, { cimgUuid: own().cimgUuid }] }, 1));

  it('errno 1 for an import of an image that is not Ready', async () => {
    for (const status of ['Creating', 'Error']) {
      const origin = bj.find((item) => item.type === 'custom' && !item.isShared && item.status === status);
      await expectErrno('import', { regionId: 'gz', cimg: [{ name: 'a', originImageUuid: origin.cimgUuid, originRegionId: 'bj' }] }, 1);
    }
  });

  it('errno 16000002 for an unknown region', async () => {
    await expectErrno('create', { regionId: 'sh', cimg: [{ name: 'a', snapUuid: BJ_SNAPSHOT.snapUuid }] }, 16000002);
    await expectErrno('import', { regionId: 'gz', cimg: [{ name: 'a', originImageUuid: own().cimgUuid, originRegionId: 'sh' }] }, 16000002);
    await expectErrno('delete', { regionId: 'sh', cimg: [{ cimgUuid: own().cimgUuid }] }, 16000002);
    await expectErrno('changeName', { regionId: 'sh', cimg: [{ cimgUuid: own().cimgUuid, name: 'a' }] }, 16000002);
  });

  it('errno 41017 for an unknown snapshot or one of another region, and nothing is created for a batch with one', async () => {
    await expectErrno('create', { regionId: 'bj', cimg: [{ name: 'a', snapUuid: '00000000000000000000000000000000' }] }, 41017);
    await expectErrno('create', { regionId: 'bj', cimg: [{ name: 'a', snapUuid: GZ_SNAPSHOT.snapUuid }] }, 41017);
    await expectErrno('create', { regionId: 'bj', cimg: [{ name: 'a', snapUuid: BJ_SNAPSHOT.snapUuid }, { name: 'b', snapUuid: 'nope' }] }, 41017);
  });

  it('errno 41026 for an unknown image, or one looked for in the wrong region', async () => {
    const unknown = '00000000000000000000000000000000';
    await expectErrno('delete', { regionId: 'bj', cimg: [{ cimgUuid: unknown }] }, 41026);
    await expectErrno('changeName', { regionId: 'bj', cimg: [{ cimgUuid: unknown, name: 'a' }] }, 41026);
    await expectErrno('import', { regionId: 'gz', cimg: [{ name: 'a', originImageUuid: unknown, originRegionId: 'bj' }] }, 41026);
    await expectErrno('delete', { regionId: 'gz', cimg: [{ cimgUuid: own().cimgUuid }] }, 41026);
    await expectErrno('import', { regionId: 'bj', cimg: [{ name: 'a', originImageUuid: own().cimgUuid, originRegionId: 'gz' }] }, 41026);
  });

  it('errno 10000001 for a public or shared image (not the account’s own)', async () => {
    await expectErrno('delete', { regionId: 'bj', cimg: [{ cimgUuid: standardImage().cimgUuid }] }, 10000001);
    await expectErrno('changeName', { regionId: 'bj', cimg: [{ cimgUuid: sharedImage().cimgUuid, name: 'mine now' }] }, 10000001);
    await expectErrno('import', { regionId: 'gz', cimg: [{ name: 'a', originImageUuid: sharedImage().cimgUuid, originRegionId: 'bj' }] }, 10000001);
  });

  it('GET /dicloud/i/result: errno 1 without jobUuids or regionId, 16000002 for an unknown region', async () => {
    for (const [query, errno] of [
      ['regionId=bj', 1],
      ['regionId=bj&jobUuids=', 1],
      ['regionId=bj&jobUuids=,,', 1],
      ['jobUuids=abc', 1],
      ['regionId=sh&jobUuids=abc', 16000002],
    ] as const) {
      const { status, body } = await api.result(query);
      expect(status).toBe(200);
      expect(body).toMatchObject({ errno, data: null });
    }
  });
});
