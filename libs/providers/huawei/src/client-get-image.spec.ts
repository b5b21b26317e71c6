import { FakeUpstream, recordingDeps, rejectedGatewayError, startFakeUpstream } from '@images/testing';
import { huaweiRegistration, mapHuaweiImage } from './index';
import listImagesExample from './fixtures/list-images.json';
import { AK, PROJECT, SK, TOKEN, configFor, ctx, recomputeSignature } from './client-spec-support';

describe('Huawei getImage (ListImages filtered by image_id)', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  const [docItem, otherDocItem] = listImagesExample.images;
  const get = (url: string, id: string, credentials: Record<string, string> = { HUAWEI_TOKEN: TOKEN }) =>
    huaweiRegistration.create(configFor(url, credentials), recordingDeps()).getImage!(id, ctx());

  it('asks ListImages for exactly that image_id and maps the doc example item as the list does', async () => {
    upstream = await startFakeUpstream(() => ({ body: { total_count: 1, images: [docItem] } }));

    const image = await get(upstream.url, docItem.id);

    expect(upstream.requests).toHaveLength(1);
    const [request] = upstream.requests;
    expect(request.method).toBe('GET');
    expect(request.path).toBe(`/v2/${PROJECT}/images`);
    expect(request.rawQuery).toBe('image_id=d6b368bc-a24d-4fb5-a8fb-727356a53f33');
    expect(request.headers['x-auth-token']).toBe(TOKEN);
    expect(request.headers['x-project-id']).toBe(PROJECT);
    expect(image).toEqual(mapHuaweiImage(docItem, 'cn-north-4'));
    expect(image).toMatchObject({ id: 'huawei:d6b368bc-a24d-4fb5-a8fb-727356a53f33', name: 'Euler_Online_Tenant_vAG', visibility: 'public', minDiskGiB: 50, bits: 64 });
  });

  it('signs the image_id query with AK/SK', async () => {
    upstream = await startFakeUpstream(() => ({ body: { total_count: 1, images: [docItem] } }));
    await get(upstream.url, docItem.id, { HUAWEI_AK: AK, HUAWEI_SK: SK });
    const { signature, expected } = recomputeSignature(upstream.requests[0], SK);
    expect(upstream.requests[0].query.get('image_id')).toBe(docItem.id);
    expect(signature).toBe(expected);
  });

  it('answers null when nothing matches', async () => {
    upstream = await startFakeUpstream(() => ({ body: { total_count: 0, images: [] } }));
    expect(await get(upstream.url, 'no-such-image')).toBeNull();
  });

  it('never passes another image off as the one asked for, should the filter be ignored', async () => {
    upstream = await startFakeUpstream(() => ({ body: { total_count: 2, images: [otherDocItem, docItem] } }));
    expect((await get(upstream.url, docItem.id))?.name).toBe('Euler_Online_Tenant_vAG');
    expect(await get(upstream.url, 'no-such-image')).toBeNull();
  });

  it("answers null for Huawei's own not-found, but an error for a 404 that is not Huawei's", async () => {
    upstream = await startFakeUpstream(() => ({ status: 500, body: { error_code: 'WKS.0202', error_msg: 'image not found' } }));
    expect(await get(upstream.url, 'gone')).toBeNull();
    await upstream.close();

    upstream = await startFakeUpstream(() => ({ status: 404, body: { error_code: 'APIGW.0101', error_msg: 'The API does not exist' } }));
    expect((await rejectedGatewayError(get(upstream.url, 'gone'))).code).toBe('UPSTREAM_ERROR');
    await upstream.close();

    upstream = await startFakeUpstream(() => ({ status: 404, body: '<html>not here</html>' }));
    expect((await rejectedGatewayError(get(upstream.url, 'gone'))).code).toBe('NOT_FOUND');
  });

  it('translates other failures as the list does', async () => {
    upstream = await startFakeUpstream(() => ({ status: 401, body: { error_code: 'APIGW.0301', error_msg: 'bad token' } }));
    expect((await rejectedGatewayError(get(upstream.url, docItem.id))).code).toBe('UPSTREAM_AUTH_FAILED');
  });
});
