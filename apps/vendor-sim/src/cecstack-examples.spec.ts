import { ImsClient, sleep } from './cecstack/ims-client';
import {
  CECSTACK_DOC_BUCKETS,
  CECSTACK_DOC_COPY_ANSWER_DATA,
  CECSTACK_DOC_COPY_REQUEST,
  CECSTACK_DOC_CREATE_ANSWER_DATA,
  CECSTACK_DOC_CREATE_REQUEST,
  CECSTACK_DOC_EXPORT_REQUEST,
  CECSTACK_DOC_IMPORT_REQUEST,
  CECSTACK_DOC_SHARE_LIST_ITEM,
  CECSTACK_DOC_SHARE_REQUEST,
  CECSTACK_DOC_UPDATE_REQUEST,
  CECSTACK_DOC_UPLOAD_DONE_REQUEST,
  CECSTACK_DOC_UPLOAD_PREPARE_ANSWER_DATA,
  CECSTACK_DOC_UPLOAD_PREPARE_REQUEST,
} from './fixtures/cecstack-examples';
import { RunningSim, startVendorSim } from './sim';

const keys = (value: object) => Object.keys(value).sort();

// The doc's own request examples, sent verbatim, must be accepted, and the answers must carry the doc's fields.
describe('CECSTACK simulator: the doc’s write examples, verbatim', () => {
  let sim: RunningSim;
  let ims: ImsClient;

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: 30 });
    ims = new ImsClient(sim);
  });
  afterAll(() => sim.close());

  async function settled(imageId: string, status: string): Promise<Record<string, unknown>> {
    for (let waited = 0; waited < 2000; waited += 10) {
      const image = await ims.privateImage(imageId);
      if (image?.status === status) return image;
      await sleep(10);
    }
    throw new Error(`${imageId} never became ${status}`);
  }

  it('takes the create, update, upload, share, export examples through one image’s life', async () => {
    const created = await ims.post('/private-images', CECSTACK_DOC_CREATE_REQUEST);
    expect(created.status).toBe(200);
    expect(keys(created.body.data)).toEqual(expect.arrayContaining(keys(CECSTACK_DOC_CREATE_ANSWER_DATA)));
    expect(created.body.data).toMatchObject({ owner: CECSTACK_DOC_CREATE_REQUEST.tenantId, name: 'centos8.2', status: 'queued', imageType: 'os_image' });
    const imageId = created.body.data.imageId;

    expect((await ims.call('PUT', `/private-images/${imageId}`, CECSTACK_DOC_UPDATE_REQUEST)).body.code).toBe('Success');
    expect(await ims.privateImage(imageId)).toMatchObject({ name: 'test', platform: 'kylin', cpuArch: 'arm', minDisk: 20, bootMode: 'UEFI' });

    const prepared = await ims.post(`/private-images/${imageId}/upload-prepare`, CECSTACK_DOC_UPLOAD_PREPARE_REQUEST);
    expect(keys(prepared.body.data)).toEqual(keys(CECSTACK_DOC_UPLOAD_PREPARE_ANSWER_DATA));
    expect((await ims.post(`/private-images/${imageId}/upload-done`, CECSTACK_DOC_UPLOAD_DONE_REQUEST)).body.code).toBe('Success');
    expect((await settled(imageId, 'active')).size).toBe(CECSTACK_DOC_UPLOAD_PREPARE_REQUEST.size);

    expect((await ims.post(`/private-images/${imageId}/share?requestInfo=region0`, CECSTACK_DOC_SHARE_REQUEST)).body.code).toBe('Success');
    const shares = (await ims.get(`/private-images/${imageId}/share?requestInfo=region0&current=1&size=10`)).body.data;
    expect(shares.list.map(keys)).toEqual([keys(CECSTACK_DOC_SHARE_LIST_ITEM)]);
    expect(shares.list[0]).toMatchObject({ userId: '7085524801413873664', userName: 'lptest', image: null, imageId });
    expect((await ims.post(`/private-images/${imageId}/unshare`, CECSTACK_DOC_SHARE_REQUEST)).body.code).toBe('Success');

    const buckets = (await ims.get(`/private-images/${imageId}/oss-bucket-list`)).body.data;
    expect(buckets).toEqual(expect.arrayContaining(CECSTACK_DOC_BUCKETS));
    expect((await ims.post(`/custom-images/${imageId}/export`, CECSTACK_DOC_EXPORT_REQUEST)).body.code).toBe('Success');
    expect((await ims.call('DELETE', `/private-images/${imageId}`)).body.code).toBe('Success');
  });

  it('takes the import example, data disk included', async () => {
    const imported = await ims.post('/private-images/import', CECSTACK_DOC_IMPORT_REQUEST);
    expect(imported.status).toBe(200);
    expect(imported.body.data).toMatchObject({ name: '导入镜像', imageType: 'whole_image', owner: '1813606081461485576', status: 'queued' });
    await settled(imported.body.data.imageId, 'active');
  });

  it('takes the copy example, and answers the doc’s copy fields', async () => {
    const copied = await ims.post('/shared-images/img-share-60syal9krz8c0lnf6n5c/copy', CECSTACK_DOC_COPY_REQUEST);
    expect(copied.status).toBe(200);
    expect(keys(copied.body.data)).toEqual(expect.arrayContaining(keys(CECSTACK_DOC_COPY_ANSWER_DATA)));
    expect(copied.body.data).toMatchObject({ name: '名称', describe: '描述', status: 'saving', shared: false });
  });
});
