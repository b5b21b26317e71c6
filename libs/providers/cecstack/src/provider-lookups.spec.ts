import { FakeRequest, recordingDeps } from '@images/testing';
import publicImages from './fixtures/public-images.json';
import { API, ctx, failure, ownRecord, page, success, useFakeIms } from './provider-spec-support';

// How the provider reads the catalog and finds an image's owner: paging concurrency, odd list entries, and the
// visibility a record gets from where it was found.

const publicItem = (i: number) => ({ ...publicImages.data.list[0], imageId: `img-pub-${i}` });

describe('CECSTACK provider lookups', () => {
  const serve = useFakeIms();

  it('fetches the pages after the first of a list at once, up to maxConcurrentRequests', async () => {
    const all = Array.from({ length: 40 }, (_, i) => publicItem(i));
    let inFlight = 0;
    let peak = 0;
    const publicPages = async (request: FakeRequest) => {
      const current = Number(request.query.get('current'));
      if (current > 1) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
      }
      // The vendor caps pages at 5 items: 8 pages.
      return success({ size: 5, current, total: all.length, list: all.slice((current - 1) * 5, current * 5) });
    };
    const { provider } = await serve({
      [`GET ${API}/images`]: publicPages,
      [`GET ${API}/private-images`]: page([]),
      [`GET ${API}/shared-images`]: page([]),
    }, {}, recordingDeps(4));
    expect(await provider.listCatalog(ctx())).toHaveLength(40);
    expect(peak).toBeGreaterThanOrEqual(3);
  });

  it('logs no skipped images when every entry has an imageId', async () => {
    const { provider, deps } = await serve({ [`GET ${API}/images`]: page([publicItem(1)]), [`GET ${API}/private-images`]: page([]), [`GET ${API}/shared-images`]: page([]) });
    expect(await provider.listCatalog(ctx())).toHaveLength(1);
    expect(deps.logLines.filter((line) => line.includes('skipped'))).toEqual([]);
  });

  it('refuses a list page with an entry that is not an object', async () => {
    const { provider } = await serve({ [`GET ${API}/images`]: page([publicItem(1), null]), [`GET ${API}/private-images`]: page([]), [`GET ${API}/shared-images`]: page([]) });
    expect(await failure(provider.listCatalog(ctx()))).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', detail: 'cecstack answered images/list with a data.list entry that is not an object' });
  });

  describe('the visibility of a record without one', () => {
    const bare = (imageId: string) => {
      const { visibility: _visibility, ...record } = ownRecord(imageId);
      return record;
    };

    it('is private when the account owns it, unknown when it is neither owned nor shared', async () => {
      const { provider } = await serve({
        [`GET ${API}/images/img-own`]: success(bare('img-own')),
        [`GET ${API}/images/img-lost`]: success(bare('img-lost')),
        [`GET ${API}/private-images`]: (request) => page(request.query.get('filter') === 'imageId:eq:img-own' ? [bare('img-own')] : []),
        [`GET ${API}/shared-images`]: page([]),
      });
      expect((await provider.getImage('img-own', ctx()))?.visibility).toBe('private');
      expect((await provider.getImage('img-lost', ctx()))?.visibility).toBe('unknown');
    });

    it('with CECSTACK_TENANT_ID but no owner in the record, the own list still decides', async () => {
      const { owner: _owner, ...record } = bare('img-own');
      const { provider, requests } = await serve({
        [`GET ${API}/images/img-own`]: success(record),
        [`GET ${API}/private-images`]: page([record]),
        [`GET ${API}/shared-images`]: page([]),
      }, { CECSTACK_TENANT_ID: 'tenant-me' });
      expect((await provider.getImage('img-own', ctx()))?.visibility).toBe('private');
      expect(requests.filter((r) => r.path === `${API}/private-images`)).toHaveLength(1);
    });
  });

  it('names the image the vendor does not have', async () => {
    const { provider } = await serve({ [`GET ${API}/images/img-gone`]: { status: 400, body: { requestId: 'r', code: 'IMG.DBGet.NoData', message: 'none', data: null } } });
    expect(await failure(provider.updateImage('img-gone', { name: 'x' }, ctx()))).toMatchObject({ code: 'NOT_FOUND', provider: 'cecstack', detail: 'cecstack has no image img-gone' });
  });
});
