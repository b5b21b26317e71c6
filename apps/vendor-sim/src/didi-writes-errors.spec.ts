import { BJ_SNAPSHOT, GZ_SNAPSHOT, Json, client, ownReady } from './didi-writes-spec-support';
import { RunningSim, startVendorSim } from './index';

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
