import { FakeAnswer, FakeRequest } from '@images/testing';
import exportRequest from './fixtures/export-request.json';
import { API, ctx, failure, ownRecord, shareOf, success, useFakeIms } from './provider-spec-support';

// Reads (GET) are tried again after a vendor 503; writes are sent once (the vendor may have acted on a lost answer).
describe('CECSTACK retries: reads only', () => {
  const serve = useFakeIms();

  /** 503 to the first request of each route, then `answer`. */
  function flaky(answer: FakeAnswer) {
    const seen = new Set<string>();
    return (request: FakeRequest): FakeAnswer => {
      const key = `${request.method} ${request.path}`;
      if (seen.has(key)) return answer;
      seen.add(key);
      return { status: 503, body: 'busy' };
    };
  }

  it('asks a read again after a 503: the detail, the shares and the export targets', async () => {
    const { provider, requests } = await serve({
      [`GET ${API}/images/img-1`]: flaky(success(ownRecord('img-1', { visibility: 'public' }))),
      [`GET ${API}/private-images/img-1/share`]: flaky(success({ size: 100, current: 1, total: 1, list: [shareOf('img-1', 'share-1')] })),
      [`GET ${API}/private-images/img-1/oss-bucket-list`]: flaky(success([exportRequest.bucket])),
    });
    expect(await provider.getImage('img-1', ctx())).not.toBeNull();
    await provider.listShares('img-1', ctx());
    expect(await provider.listExportTargets('img-1', ctx())).toHaveLength(1);
    const count = (path: string) => requests.filter((request) => request.path === path).length;
    expect([count(`${API}/images/img-1`), count(`${API}/private-images/img-1/share`), count(`${API}/private-images/img-1/oss-bucket-list`)]).toEqual([2, 2, 2]);
  });

  it('sends a write once, 503 or not', async () => {
    const { provider, requests } = await serve({ [`POST ${API}/custom-images/img-1/export`]: flaky(success(null)) });
    expect((await failure(provider.exportImage('img-1', { bucket: exportRequest.bucket as never }, ctx()))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(requests).toHaveLength(1);
  });
});
