import exportRequest from './fixtures/export-request.json';
import exportResponse from './fixtures/export-response.json';
import ossBucketList from './fixtures/oss-bucket-list-response.json';
import shareListResponse from './fixtures/share-list-response.json';
import shareRequest from './fixtures/share-request.json';
import shareResponse from './fixtures/share-response.json';
import { API, ctx, expectVendorCall, failure, success, useFakeIms, vendorError } from './provider-spec-support';

describe('CECSTACK provider operations against a real HTTP server', () => {
  const serve = useFakeIms();

  describe('shares', () => {
    const ID = 'img-2fpe4gppddvq8c';

    it('listShares: GET private-images/{id}/share, paged, mapped', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/private-images/${ID}/share`]: { body: shareListResponse } });
      expect(await provider.listShares(ID, ctx())).toEqual([
        { userId: '7085524801413873664', shareId: 'img-share-mabwezvcbsap5apvpho', status: null, createdAt: '2023-07-14T07:47:08.853Z' },
      ]);
      expectVendorCall(requests[0], 'GET', `${API}/private-images/${ID}/share`);
      expect([requests[0].query.get('current'), requests[0].query.get('size')]).toEqual(['1', '100']);
      expect(requests).toHaveLength(1);
    });

    it('listShares walks pages until a short one (the doc calls total a page count)', async () => {
      const all = Array.from({ length: 130 }, (_, i) => ({ ...shareListResponse.data.list[0], userId: `u${i}`, shareId: `s${i}` }));
      const { provider, requests } = await serve({
        [`GET ${API}/private-images/${ID}/share`]: (request) => {
          const current = Number(request.query.get('current'));
          const size = Number(request.query.get('size'));
          return success({ size, current, total: 2, list: all.slice((current - 1) * size, current * size) });
        },
      });
      const shares = await provider.listShares(ID, ctx());
      expect(shares.map((s) => s.userId)).toEqual(all.map((s) => s.userId));
      expect(requests.map((r) => r.query.get('current'))).toEqual(['1', '2']);
    });

    it('shareImage: POST share {shares: {user_ids}} (the doc example), answered with the shares listed after', async () => {
      const { provider, requests } = await serve({
        [`POST ${API}/private-images/${ID}/share`]: { body: shareResponse },
        [`GET ${API}/private-images/${ID}/share`]: { body: shareListResponse },
      });
      const shares = await provider.shareImage(ID, { userIds: ['7085524801413873664'] }, ctx());
      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/share`, shareRequest);
      expect(shares).toEqual([{ userId: '7085524801413873664', shareId: 'img-share-mabwezvcbsap5apvpho', status: null, createdAt: '2023-07-14T07:47:08.853Z' }]);
    });

    it('shareImage: the share stands when the list after it fails', async () => {
      const { provider } = await serve({ [`POST ${API}/private-images/${ID}/share`]: { body: shareResponse }, [`GET ${API}/private-images/${ID}/share`]: vendorError('IMG.Internal.Error') });
      expect(await provider.shareImage(ID, { userIds: ['u1'] }, ctx())).toEqual([{ userId: 'u1', shareId: null, status: null, createdAt: null }]);
    });

    it('shareImage refuses 0, more than 50, or repeated user ids before any call', async () => {
      const { provider, requests } = await serve({});
      for (const userIds of [[], Array.from({ length: 51 }, (_, i) => `u${i}`), ['u1', 'u1']]) {
        expect(await failure(provider.shareImage(ID, { userIds }, ctx()))).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'userIds' })] });
      }
      expect(requests).toHaveLength(0);
    });

    it('unshareImage: POST unshare with the one user id', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/private-images/${ID}/unshare`]: { body: shareResponse } });
      await expect(provider.unshareImage(ID, '7085524801413873664', ctx())).resolves.toBeUndefined();
      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/unshare`, shareRequest);
    });
  });

  describe('export', () => {
    it('listExportTargets: GET oss-bucket-list, each bucket {name, azId, cellId}', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/private-images/img-kvvfk28fcjc0mt/oss-bucket-list`]: { body: ossBucketList } });
      expect(await provider.listExportTargets('img-kvvfk28fcjc0mt', ctx())).toEqual([
        { name: 'hello1', azId: 'AZ0', cellId: 'ecs49' },
        { name: 'hello2', azId: 'AZ0', cellId: 'ecs49' },
      ]);
      expectVendorCall(requests[0], 'GET', `${API}/private-images/img-kvvfk28fcjc0mt/oss-bucket-list`);
    });

    it('listExportTargets: data that is not an array of buckets is a bad response', async () => {
      const { provider } = await serve({ [`GET ${API}/private-images/img-1/oss-bucket-list`]: success({ list: [] }), [`GET ${API}/private-images/img-2/oss-bucket-list`]: success(['hello1']) });
      expect((await failure(provider.listExportTargets('img-1', ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
      expect((await failure(provider.listExportTargets('img-2', ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
    });

    it('exportImage: POST custom-images/{id}/export with the bucket only (the doc example), accepted', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/custom-images/img-wr17xc4linx9po/export`]: { body: exportResponse } });
      const bucket = { ...exportRequest.bucket, label: 'not sent' };
      expect(await provider.exportImage('img-wr17xc4linx9po', { bucket }, ctx())).toEqual({ image: null, operation: null, accepted: true });
      expectVendorCall(requests[0], 'POST', `${API}/custom-images/img-wr17xc4linx9po/export`, exportRequest);
    });
  });
});
