import { getJson, sendJson } from './support/stack';
import { IMAGE_SUB_ROUTES } from './support/image-routes';
import { expectProblem, useVendorWritesSuite } from './support/suite-setup';

// API.md section 7 end to end: every write a provider does not implement is a 501 naming provider and operation,
// checked over the real providers and the vendor simulators.

describe('writes over the simulated vendors', () => {
  const { url, list } = useVendorWritesSuite();

  describe('501 for every (provider, operation) pair a provider lacks', () => {

    it('lists what each provider supports in GET /providers, and every other write is 501 naming provider and operation', async () => {
      const { body } = await getJson(url('/providers'));
      const supported = Object.fromEntries(body.providers.map((p: { id: string; operations: string[] }) => [p.id, p.operations]));
      expect(supported.didi).toEqual(expect.arrayContaining(['createImage', 'updateImage', 'deleteImage', 'copyImage', 'getOperation']));
      expect(supported.cecstack).toEqual(expect.arrayContaining(['createImage', 'prepareUpload', 'completeUpload', 'downloadImage', 'shareImage', 'exportImage']));
      const images: Record<string, string> = {};
      for (const vendor of ['didi', 'huawei', 'ucloud', 'cecstack']) images[vendor] = (await list(`provider=${vendor}&limit=1`))[0].id;

      const operationOf: Record<string, string> = {
        'PATCH ': 'updateImage', 'DELETE ': 'deleteImage', 'POST /copy': 'copyImage', 'POST /upload': 'prepareUpload', 'POST /upload/complete': 'completeUpload',
        'GET /file': 'downloadImage', 'GET /shares': 'listShares', 'POST /shares': 'shareImage', 'DELETE /shares/u1': 'unshareImage',
        'GET /export-targets': 'listExportTargets', 'POST /export': 'exportImage',
      };
      let checked = 0;
      for (const vendor of ['didi', 'huawei', 'ucloud', 'cecstack']) {
        for (const [method, suffix, requestBody] of IMAGE_SUB_ROUTES) {
          const operation = operationOf[`${method} ${suffix}`];
          if (supported[vendor].includes(operation)) continue;
          const answer = await sendJson(method, url(`/images/${images[vendor]}${suffix}`), requestBody);
          expectProblem(answer, 501, 'UNSUPPORTED_OPERATION');
          expect(answer.body.provider).toBe(vendor);
          expect(answer.body.detail).toContain(`${vendor} does not support ${operation}`);
          checked++;
        }
        if (!supported[vendor].includes('createImage')) {
          expectProblem(await sendJson('POST', url('/images'), { provider: vendor, name: 'x' }), 501, 'UNSUPPORTED_OPERATION');
          checked++;
        }
        if (!supported[vendor].includes('getOperation')) {
          expectProblem(await getJson(url(`/operations/${vendor}:job-1`)), 501, 'UNSUPPORTED_OPERATION');
          checked++;
        }
      }
      // huawei and ucloud write nothing; didi has no files, shares or exports; cecstack has no operations.
      expect(checked).toBeGreaterThanOrEqual(2 * 13 + 7 + 1);
    });
  });
});
