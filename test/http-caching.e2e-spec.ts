import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getJson, rawGet, sendJson } from './support/stack';
import { useVendorWritesSuite } from './support/suite-setup';

// API.md section 3: weak ETags on GET /images and GET /images/{id}, If-None-Match answered 304, Cache-Status,
// Cache-Control; over the wire, against the simulated vendors.
describe('conditional reads', () => {
  const suite = useVendorWritesSuite();
  const { url } = suite;

  it('tags a list, answers its tag with a bodiless 304 (also after a refresh that changed nothing), and retags it after a write', async () => {
    const first = await getJson(url('/images?provider=cecstack&limit=5'));
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[\w-]{27}"$/);
    expect(first.headers.get('cache-status')).toMatch(/^images-gateway; (fwd=miss|hit; ttl=\d+)$/);
    expect(first.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);

    const revalidated = await rawGet(url('/images?provider=cecstack&limit=5'), { 'if-none-match': etag });
    expect([revalidated.status, revalidated.text, revalidated.headers.etag]).toEqual([304, '', etag]);
    expect(revalidated.headers['cache-status']).toMatch(/^images-gateway; hit; ttl=\d+$/);
    expect(revalidated.headers['cache-control']).toMatch(/^private, max-age=\d+$/);

    // fetch() sends no-cache beside If-None-Match: a refresh, which changed nothing.
    const refreshed = await fetch(url('/images?provider=cecstack&limit=5'), { headers: { 'if-none-match': etag } });
    expect([refreshed.status, refreshed.headers.get('cache-status')]).toEqual([304, 'images-gateway; fwd=request']);
    // Another page of the same catalog is another answer.
    expect((await getJson(url('/images?provider=cecstack&limit=6'))).headers.get('etag')).not.toBe(etag);

    const [image] = first.body.items.filter((item: { visibility: string }) => item.visibility === 'private');
    expect((await sendJson('PATCH', url(`/images/${image.id}`), { name: 'e2e etag renamed' })).status).toBe(200);
    const changed = await rawGet(url('/images?provider=cecstack&limit=5'), { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('tags one image by its content, answers its tag with 304, and retags it once the image changes', async () => {
    const listed = await getJson(url('/images?provider=cecstack&visibility=private&limit=1'));
    const id: string = listed.body.items[0].id;
    const first = await getJson(url(`/images/${id}`));
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[\w-]{22}"$/);
    // The fresh catalog just listed holds it: no vendor call.
    expect(first.headers.get('cache-status')).toMatch(/^images-gateway; hit; ttl=\d+$/);
    expect(first.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);

    const again = await rawGet(url(`/images/${id}`), { 'if-none-match': `"unrelated", ${etag}` });
    expect([again.status, again.text, again.headers.etag]).toEqual([304, '', etag]);

    expect((await sendJson('PATCH', url(`/images/${id}`), { name: 'e2e etag detail renamed' })).status).toBe(200);
    const changed = await rawGet(url(`/images/${id}`), { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(JSON.parse(changed.text).name).toBe('e2e etag detail renamed');
    expect(changed.headers.etag).not.toBe(etag);
    // The write dropped the catalog: CECSTACK's exact lookup answered, and promises no freshness.
    expect(changed.headers['cache-status']).toBe('images-gateway; fwd=uri-miss');
    expect(changed.headers['cache-control']).toBeUndefined();
  });

  it('answers a stale tag with the whole list, and refuses nothing for an odd If-None-Match', async () => {
    for (const header of ['W/"not-ours"', '"', 'x'.repeat(2000)]) {
      const answer = await getJson(url('/images?limit=2'), { 'if-none-match': header });
      expect([header.slice(0, 12), answer.status, answer.body.items.length]).toEqual([header.slice(0, 12), 200, 2]);
    }
  });

  it('compresses with br or gzip as asked, round trip exact, with Vary: Accept-Encoding; none when not asked', async () => {
    const path = '/images?provider=cecstack&limit=5';
    const plain = await rawGet(url(path));
    expect(plain.bytes.length).toBeGreaterThan(1024);
    expect(plain.headers['content-encoding']).toBeUndefined();
    // The same answer but for the timing fields of its sources.
    const withoutTimings = (text: string) => ({ ...JSON.parse(text), sources: JSON.parse(text).sources.map((source: object) => ({ ...source, latencyMs: 0, ageSeconds: 0 })) });
    const cases: Array<[string, string, (bytes: Buffer) => Buffer]> = [['br', 'br', brotliDecompressSync], ['gzip', 'gzip', gunzipSync], ['gzip;q=1, br;q=0', 'gzip', gunzipSync]];
    for (const [accept, encoding, decode] of cases) {
      const packed = await rawGet(url(path), { 'accept-encoding': accept });
      expect([accept, packed.headers['content-encoding']]).toEqual([accept, encoding]);
      expect(packed.headers.vary).toMatch(/accept-encoding/i);
      expect(packed.bytes.length).toBeLessThan(plain.bytes.length);
      expect(withoutTimings(decode(packed.bytes).toString('utf8'))).toEqual(withoutTimings(plain.text));
      expect(packed.headers.etag).toBe(plain.headers.etag);
    }
    const list = await rawGet(url('/images?limit=200'), { 'accept-encoding': 'gzip' });
    expect(list.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(list.bytes).toString('utf8')).items).toHaveLength(200);
    // A 304 has no body to compress.
    const unchanged = await rawGet(url(path), { 'accept-encoding': 'br', 'if-none-match': plain.headers.etag! });
    expect([unchanged.status, unchanged.bytes.length]).toEqual([304, 0]);
  });
});
