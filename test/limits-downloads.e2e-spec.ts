import { Socket, connect } from 'node:net';
import { CALLERS, TestCaller, bearer, callersEnv } from './support/callers';
import { call, expectRefusal } from './support/limits';
import type { GeneratedFile } from './support/fake-provider';
import { FakeProvidersSuite, eventually, sleep, useFakeProvidersSuite } from './support/suite-setup';

// API.md section 8, download limits, end to end over the in-memory provider (its `fake:large` is a 1.25 GiB file made
// on demand): a pool of slots of their own answered at once when full, a cap per caller, and a stall watch that closes
// a download whose caller reads nothing, upstream too, but never one that is read steadily.

const LARGE = '/images/fake:large/file';
const LARGE_SIZE = 1.25 * 2 ** 30;
const MiB = 2 ** 20;

/** A download on a raw socket: its status line and headers read, its body read only when the test asks. */
interface OpenDownload {
  status: number;
  headers: Record<string, string>;
  /** Body bytes received so far. */
  received: number;
  /** Reads until `atLeast` more body bytes have come (or the gateway closed the connection), then stops reading. */
  read(atLeast: number): Promise<number>;
  /** True once the connection has closed. */
  readonly closed: boolean;
  close(): void;
}

/**
 * Sends `GET path` for `caller` and stops reading as soon as the headers are in: from then on the gateway's writes
 * fill the socket buffers and stop, as they do for a caller that reads nothing.
 */
function openDownload(baseUrl: string, caller: TestCaller, path = LARGE): Promise<OpenDownload> {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = connect(Number(port), hostname);
  let closed = false;
  socket.once('close', () => (closed = true));
  socket.on('error', () => undefined);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${caller.key}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.pause();
      socket.off('data', onHead);
      socket.off('close', onEarlyClose);
      const [statusLine, ...lines] = head.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const download: OpenDownload = {
        status: Number(statusLine.split(' ')[1]),
        headers,
        received: head.length - end - 4,
        read: (atLeast) => new Promise((done) => {
          let got = 0;
          const stop = () => {
            socket.pause();
            socket.off('data', onData);
            socket.off('close', stop);
            done(got);
          };
          const onData = (data: Buffer) => {
            got += data.length;
            download.received += data.length;
            if (got >= atLeast) stop();
          };
          if (closed) return done(0);
          socket.on('data', onData);
          socket.once('close', stop);
          socket.resume();
        }),
        get closed() { return closed; },
        close: () => socket.destroy(),
      };
      resolve(download);
    };
    const onEarlyClose = () => reject(new Error(`${path}: the connection closed before the headers`));
    socket.on('data', onHead);
    socket.once('close', onEarlyClose);
  });
}

/**
 * `count` downloads of the large file for `caller`, all open at once, none read and all admitted (200); `test` runs
 * with them, the provider's streams behind them, and a list for any download it opens more. Every one of those
 * connections is closed afterwards; the provider's streams are returned.
 */
async function withUnreadDownloads(
  suite: FakeProvidersSuite,
  caller: TestCaller,
  count: number,
  test: (unread: OpenDownload[], files: GeneratedFile[], more: OpenDownload[]) => Promise<void>,
): Promise<GeneratedFile[]> {
  const before = suite.fake.files.length;
  const unread = await Promise.all(Array.from({ length: count }, () => openDownload(suite.gateway.url, caller)));
  const files = suite.fake.files.slice(before, before + count);
  const more: OpenDownload[] = [];
  try {
    expect(unread.map((download) => download.status)).toEqual(Array(count).fill(200));
    await test(unread, files, more);
  } finally {
    for (const download of [...unread, ...more]) download.close();
  }
  return files;
}

// 3 s of stall time: opening eight downloads on a loaded machine must not outlast it, or the pool is not full any more.
describe('a full download pool (DOWNLOAD_MAX_CONCURRENCY=8) and the stall watch (DOWNLOAD_STALL_MS=3000)', () => {
  const suite = useFakeProvidersSuite(callersEnv({ DOWNLOAD_MAX_CONCURRENCY: '8', DOWNLOAD_MAX_PER_CALLER: '8', DOWNLOAD_STALL_MS: '3000' }));

  it('answers a ninth download 503 at once, closes the eight unread ones (upstream too) after the stall time, then serves again', async () => {
    await withUnreadDownloads(suite, CALLERS.filer, 8, async (stalled, files, more) => {
      // Another caller, under its own cap, finds the pool full.
      const ninth = await call(suite.url(LARGE), { headers: bearer(CALLERS.everything) });
      expectRefusal(ninth, 503, 'UPSTREAM_UNAVAILABLE');
      // "At once, never after a wait": a ninth that waited for a slot would be answered only once the stall watch freed
      // one, 3000 ms or more after the eight stopped reading. 1000 ms is well short of that, generous for a loaded machine.
      expect(ninth.ms).toBeLessThan(1000);
      // The refusal came while all eight were open, and it never reached the provider.
      expect(files.map((file) => file.destroyed)).toEqual(Array(8).fill(false));
      expect(suite.fake.files.at(-1)).toBe(files[7]);

      // After the stall time the gateway destroys the provider's streams, unfinished ...
      await eventually(async () => files.filter((file) => file.destroyed).length, (count) => count === 8, 10_000);
      expect(files.map((file) => file.destroyedEarly)).toEqual(Array(8).fill(true));
      // ... and closes the callers' connections: reading on, each ends short of the file.
      await Promise.all(stalled.map((download) => download.read(Infinity)));
      expect(stalled.map((download) => download.closed)).toEqual(Array(8).fill(true));
      for (const download of stalled) {
        expect(download.headers['content-length']).toBe(String(LARGE_SIZE));
        expect(download.received).toBeLessThan(LARGE_SIZE);
      }

      // The slots are free again: a download is served and its bytes arrive.
      more.push(await openDownload(suite.gateway.url, CALLERS.everything));
      expect(more[0].status).toBe(200);
      expect(await more[0].read(MiB)).toBeGreaterThanOrEqual(MiB);
    });
  });
});

describe('a cap per caller (DOWNLOAD_MAX_PER_CALLER=4)', () => {
  // A long stall time: here nothing is cut by the watch; the test closes its downloads itself.
  const suite = useFakeProvidersSuite(callersEnv({ DOWNLOAD_MAX_PER_CALLER: '4', DOWNLOAD_STALL_MS: '20000' }));
  const smallRange = (caller: TestCaller) => call(suite.url(LARGE), { headers: { ...bearer(caller), range: 'bytes=0-1023' } });

  it("answers a caller's fifth concurrent download 429 at once while another caller is served, and frees the slots when it leaves", async () => {
    const files = await withUnreadDownloads(suite, CALLERS.filer, 4, async (_mine, mineFiles, more) => {
      const fifth = await smallRange(CALLERS.filer);
      expectRefusal(fifth, 429, 'RATE_LIMITED');
      // At once, as for a full pool: nothing of the caller's ends by itself here, so a wait would be a long one.
      expect(fifth.ms).toBeLessThan(1000);
      // Refused before the provider was asked: its last stream is still the fourth download's.
      expect(suite.fake.files.at(-1)).toBe(mineFiles[3]);

      more.push(await openDownload(suite.gateway.url, CALLERS.everything));
      expect(more[0].status).toBe(200);
      expect(await more[0].read(MiB)).toBeGreaterThanOrEqual(MiB);
    });
    // The caller went away: its provider streams are destroyed and its slots come back.
    await eventually(async () => files.filter((file) => file.destroyed).length, (count) => count === 4);
    const again = await eventually(() => smallRange(CALLERS.filer), (answer) => answer.status !== 429);
    expect(again.status).toBe(206);
    expect(again.headers.get('content-range')).toBe(`bytes 0-1023/${LARGE_SIZE}`);
  });
});

describe('a download read steadily (DOWNLOAD_STALL_MS=3000)', () => {
  const suite = useFakeProvidersSuite(callersEnv({ DOWNLOAD_STALL_MS: '3000' }));

  // The gateway sees what the kernel takes from it, not what the caller reads: between them sit the socket buffers
  // (several MiB on loopback), and the kernel wakes the writer only once a good part of them has drained. A caller
  // must therefore drain that much within DOWNLOAD_STALL_MS (the README says so): at 2.5 MiB/s, about a second.
  it('is not cut by the stall watch while it is read steadily', async () => {
    const before = suite.fake.files.length;
    const download = await openDownload(suite.gateway.url, CALLERS.filer);
    try {
      expect(download.status).toBe(200);
      // 256 KiB, then 100 ms doing nothing, for 4 s: longer than the stall time, never a stall time without reading.
      const started = Date.now();
      while (Date.now() - started < 4000 && !download.closed) {
        await download.read(256 * 1024);
        await sleep(100);
      }
      expect(download.received).toBeGreaterThan(8 * MiB);
      // The provider's stream says what the gateway did at once; the connection's end reaches the caller only later.
      expect({ providerStreamDestroyed: suite.fake.files[before].destroyed, connectionClosed: download.closed }).toEqual({ providerStreamDestroyed: false, connectionClosed: false });
    } finally {
      download.close();
    }
  });

  it('is an attachment of opaque bytes, whatever the provider calls it', async () => {
    const answer = await call(suite.url('/images/fake:small/file'), { headers: bearer(CALLERS.filer) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="fake_small"');
    // The provider says application/x-raw-disk-image; a browser must never try to render or sniff it.
    expect(answer.headers.get('content-type')).toBe('application/octet-stream');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.body).toHaveLength(1024);
  });
});
