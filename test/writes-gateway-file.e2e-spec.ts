import { request as httpRequest } from 'node:http';
import { useFakeProvidersSuite } from './support/suite-setup';
import { downloadMeasuringMemory } from './support/download';

// The gateway's file stream over in-memory providers (no vendor behind them): Range, a 1.25 GiB download in flat
// memory, a caller going away, HEAD.

describe('write IMAGE_SUB_ROUTES over in-memory providers', () => {
  const suite = useFakeProvidersSuite();
  const { url } = suite;

  describe('GET /images/{id}/file', () => {
    it('passes Range to the provider and its 206 and headers back', async () => {
      const response = await fetch(url('/images/fake:small/file'), { headers: { range: 'bytes=100-199' } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe('bytes 100-199/1024');
      expect(response.headers.get('content-length')).toBe('100');
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      // Opaque bytes to download, whatever the vendor calls them (API.md section 8): never rendered by a browser.
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="fake_small"');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await response.arrayBuffer()).byteLength).toBe(100);
    });

    it('streams a 1.25 GiB file without holding it: memory stays within a few tens of MiB', async () => {
      const size = 1.25 * 2 ** 30;
      const download = await downloadMeasuringMemory(url('/images/fake:large/file'));
      expect(download.status).toBe(200);
      expect(download.headers.get('content-length')).toBe(String(size));
      expect(download.received).toBe(size);
      expect(download.growthMiB).toBeLessThan(64);
    }, 120_000);

    it('destroys the provider stream when the caller goes away', async () => {
      const before = suite.fake.files.length;
      await new Promise<void>((resolve, reject) => {
        const request = httpRequest(url('/images/fake:large/file'), (response) => {
          let seen = 0;
          response.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen > 4 * 2 ** 20) {
              request.destroy();
              resolve();
            }
          });
        });
        request.on('error', () => undefined);
        request.on('close', () => resolve());
        request.end();
        setTimeout(() => reject(new Error('no data')), 10_000).unref();
      });
      const file = suite.fake.files[before];
      for (let i = 0; i < 100 && !file.destroyed; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(file.destroyed).toBe(true);
      expect(file.destroyedEarly).toBe(true);
      expect(file.sent).toBeLessThan(1.25 * 2 ** 30);
    });

    it('answers a HEAD with the headers only, without reading the file', async () => {
      const before = suite.fake.files.length;
      const response = await fetch(url('/images/fake:large/file'), { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(1.25 * 2 ** 30));
      const file = suite.fake.files[before];
      expect(file.sent).toBeLessThan(2 ** 20);
    });
  });
});
