import { createHash } from 'node:crypto';
import { GeneratedImageStream, imageBytes, imagePattern, parseRange } from './cecstack/download';
import { ImsClient, createBody, sleep } from './cecstack/ims-client';
import { RunningSim, startVendorSim } from './sim';

const MIB = 1024 * 1024;
const FILE_BYTES = 64 * MIB;
const DOC_IMAGE = 'img-kvvfk28fcjc0mt';

function expectCode(answer: { status: number; body: any }, code: string): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 400, code });
}

describe('CECSTACK simulator: GET private-images/{id}/file', () => {
  let sim: RunningSim;
  let ims: ImsClient;
  let imageId: string;

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: 50 });
    ims = new ImsClient(sim);
    const { body } = await ims.post('/private-images', createBody({ minDisk: 1, name: 'download-me' }));
    imageId = body.data.imageId;
    await ims.post(`/private-images/${imageId}/upload-prepare`, { size: FILE_BYTES });
    await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success' });
    while ((await ims.privateImage(imageId))?.status !== 'active') await sleep(10);
  });
  afterAll(() => sim.close());

  const download = (id: string, range?: string, signal?: AbortSignal) => fetch(ims.url(`/private-images/${id}/file`), { headers: ims.headers(range === undefined ? {} : { range }), signal });

  async function bytesOf(response: Response): Promise<Buffer> {
    return Buffer.from(await response.arrayBuffer());
  }

  it('streams exactly the stated size, with Content-Length and application/octet-stream', async () => {
    const response = await download(imageId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(FILE_BYTES));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    // Read as a stream: count and hash without holding the file, and keep two probes for the range checks.
    const digest = createHash('sha256');
    let received = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      digest.update(value);
      received += value.length;
    }
    expect(received).toBe(FILE_BYTES);
    const expected = createHash('sha256');
    const pattern = imagePattern(imageId);
    for (let offset = 0; offset < FILE_BYTES; offset += 4 * MIB) expected.update(imageBytes(pattern, offset, 4 * MIB));
    expect(digest.digest('hex')).toBe(expected.digest('hex'));
  });

  it('answers Range bytes=a-b with 206, Content-Range and exactly that slice of the file', async () => {
    const pattern = imagePattern(imageId);
    for (const [start, end] of [
      [0, 0],
      [1000, 1999],
      [65_000, 140_000], // across the pattern period and several chunks
      [FILE_BYTES - 10, FILE_BYTES - 1],
    ]) {
      const response = await download(imageId, `bytes=${start}-${end}`);
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${FILE_BYTES}`);
      expect(response.headers.get('content-length')).toBe(String(end - start + 1));
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect((await bytesOf(response)).equals(imageBytes(pattern, start, end - start + 1))).toBe(true);
    }
  });

  it('answers open and suffix ranges, and clips an end beyond the file', async () => {
    const pattern = imagePattern(imageId);
    const open = await download(imageId, `bytes=${FILE_BYTES - 64}-`);
    expect([open.status, open.headers.get('content-range')]).toEqual([206, `bytes ${FILE_BYTES - 64}-${FILE_BYTES - 1}/${FILE_BYTES}`]);
    expect((await bytesOf(open)).equals(imageBytes(pattern, FILE_BYTES - 64, 64))).toBe(true);
    const suffix = await download(imageId, 'bytes=-100');
    expect([suffix.status, suffix.headers.get('content-range')]).toEqual([206, `bytes ${FILE_BYTES - 100}-${FILE_BYTES - 1}/${FILE_BYTES}`]);
    expect((await bytesOf(suffix)).equals(imageBytes(pattern, FILE_BYTES - 100, 100))).toBe(true);
    const clipped = await download(imageId, `bytes=${FILE_BYTES - 5}-${FILE_BYTES + 1000}`);
    expect([clipped.status, clipped.headers.get('content-length')]).toEqual([206, '5']);
    await clipped.arrayBuffer();
  });

  it('answers 416 with Content-Range bytes */size for a range past the end', async () => {
    const response = await download(imageId, `bytes=${FILE_BYTES}-`);
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${FILE_BYTES}`);
    expect(await response.json()).toMatchObject({ code: 'IMG.InvalidParameter' });
  });

  it('ignores a Range it cannot honour (other unit, several ranges, reversed) and sends the whole file', async () => {
    for (const range of ['items=0-1', 'bytes=0-1,5-9', 'bytes=9-5']) {
      const controller = new AbortController();
      const response = await download(imageId, range, controller.signal);
      expect([response.status, response.headers.get('content-length')]).toEqual([200, String(FILE_BYTES)]);
      controller.abort();
    }
  });

  it('survives a client that goes away mid-file', async () => {
    const controller = new AbortController();
    const response = await download(imageId, undefined, controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBeGreaterThan(0);
    controller.abort();
    const again = await download(imageId, 'bytes=0-9');
    expect(again.status).toBe(206);
    expect((await bytesOf(again)).length).toBe(10);
  });

  it('refuses a public image: DownloadNotAllowed', async () => {
    expectCode(await ims.get(`/private-images/${DOC_IMAGE}/file`), 'IMG.OperationFailed.DownloadNotAllowed');
    const view = (await ims.admin('GET', '/catalog/cecstack')).body as { lists: Record<string, string[]> };
    const publicOnly = view.lists.public.find((id) => !view.lists.private.includes(id));
    expectCode(await ims.get(`/private-images/${publicOnly}/file`), 'IMG.OperationFailed.DownloadNotAllowed');
  });

  it('refuses an image that is not active (queued, saving, killed): DownloadNotallowed', async () => {
    const queued = (await ims.post('/private-images', createBody({ minDisk: 1 }))).body.data.imageId;
    expectCode(await ims.get(`/private-images/${queued}/file`), 'IMG.OperationFailed.DownloadNotallowed');
    await ims.post(`/private-images/${queued}/upload-prepare`, { size: 10 });
    await ims.post(`/private-images/${queued}/upload-done`, { result: 'success' });
    expectCode(await ims.get(`/private-images/${queued}/file`), 'IMG.OperationFailed.DownloadNotallowed');
    const killed = (await ims.post('/private-images', createBody())).body.data.imageId;
    await ims.post(`/private-images/${killed}/upload-done`, { result: 'failed' });
    expectCode(await ims.get(`/private-images/${killed}/file`), 'IMG.OperationFailed.DownloadNotallowed');
  });

  it('answers NoData for an unknown image and Identity for a shared-with-me one', async () => {
    expectCode(await ims.get('/private-images/img-doesnotexist00/file'), 'IMG.DBGet.NoData');
    const shared = (await ims.get('/shared-images?current=1&size=1')).body.data.list[0].imageId;
    expectCode(await ims.get(`/private-images/${shared}/file`), 'IMG.OperationDenied.Identity');
  });
});

describe('generated image bytes', () => {
  it('are a function of the offset: any slice equals the same part of the whole', () => {
    const pattern = imagePattern('img-abc');
    const whole = imageBytes(pattern, 0, 300_000);
    expect(imageBytes(pattern, 123_457, 70_000).equals(whole.subarray(123_457, 193_457))).toBe(true);
    expect(imageBytes(imagePattern('img-other'), 0, 64).equals(whole.subarray(0, 64))).toBe(false);
    // The period counter makes the second period differ from the first.
    expect(whole.subarray(65_521, 65_521 + 64).equals(whole.subarray(0, 64))).toBe(false);
  });

  it('are made only as fast as they are read (backpressure)', async () => {
    const stream = new GeneratedImageStream(imagePattern('img-big'), 0, 1024 ** 4); // a TiB, never made whole
    const first = await new Promise<Buffer>((resolve) => stream.once('readable', () => resolve(stream.read(1024) as Buffer)));
    expect(first.length).toBe(1024);
    await sleep(50);
    expect(stream.readableLength).toBeLessThanOrEqual(2 * stream.readableHighWaterMark);
    stream.destroy();
  });

  it('stream [start, end) and stop', async () => {
    const pattern = imagePattern('img-slice');
    const chunks: Buffer[] = [];
    for await (const chunk of new GeneratedImageStream(pattern, 10, 200_010)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(imageBytes(pattern, 10, 200_000))).toBe(true);
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, 100, null],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }],
    ['bytes=50-1000', 100, { start: 50, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=9-5', 100, null],
    ['bytes=0-1,4-5', 100, null],
    ['items=0-1', 100, null],
    ['bytes=-', 100, null],
  ])('%s of %d bytes → %j', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
