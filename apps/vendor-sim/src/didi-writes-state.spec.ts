import { DIDI_DOC_CREATE_ANSWER, DIDI_DOC_CREATE_REQUEST } from './fixtures/didi-examples';
import { BJ_SNAPSHOT, GZ_SNAPSHOT, Job, Json, client, ownReady } from './didi-writes-spec-support';
import { DIDI_SNAPSHOTS, RunningSim, startVendorSim } from './index';

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
