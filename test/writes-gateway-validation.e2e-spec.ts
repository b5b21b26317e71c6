import { FakeProvider } from './support/fake-provider';
import { sendJson } from './support/stack';
import { useFakeProvidersSuite } from './support/suite-setup';

// The gateway's write validation over in-memory providers (no vendor behind them): every bad body, path or
// JSON is a 400 problem before any provider call.

const WRITE_CALLS = (fake: FakeProvider) => Object.entries(fake.calls).filter(([name]) => !['getImage', 'listShares', 'listExportTargets', 'getOperation', 'downloadImage'].includes(name)).reduce((sum, [, n]) => sum + n, 0);

describe('write IMAGE_SUB_ROUTES over in-memory providers', () => {
  const suite = useFakeProvidersSuite();
  const { url } = suite;

  describe('validation before any provider call', () => {
    const cases: Array<[string, string, string, unknown, string]> = [
      ['a name with a slash', 'POST', '/images', { provider: 'fake', name: 'a/b' }, 'name'],
      ['a name starting with a space', 'POST', '/images', { provider: 'fake', name: ' a' }, 'name'],
      ['a name ending with a space', 'POST', '/images', { provider: 'fake', name: 'a ' }, 'name'],
      ['a name of 129 characters', 'POST', '/images', { provider: 'fake', name: 'a'.repeat(129) }, 'name'],
      ['an empty name', 'POST', '/images', { provider: 'fake', name: '' }, 'name'],
      ['a number as name', 'POST', '/images', { provider: 'fake', name: 5 }, 'name'],
      ['no name', 'POST', '/images', { provider: 'fake' }, 'name'],
      ['no provider', 'POST', '/images', { name: 'a' }, 'provider'],
      ['a one-letter description', 'POST', '/images', { provider: 'fake', name: 'a', description: 'x' }, 'description'],
      ['a 257-letter description', 'POST', '/images', { provider: 'fake', name: 'a', description: 'x'.repeat(257) }, 'description'],
      ['a fractional minDiskGiB', 'POST', '/images', { provider: 'fake', name: 'a', minDiskGiB: 1.5 }, 'minDiskGiB'],
      ['a string minRamMiB', 'POST', '/images', { provider: 'fake', name: 'a', minRamMiB: '512' }, 'minRamMiB'],
      ['a zero minDiskGiB', 'POST', '/images', { provider: 'fake', name: 'a', minDiskGiB: 0 }, 'minDiskGiB'],
      ['bits 48', 'POST', '/images', { provider: 'fake', name: 'a', bits: 48 }, 'bits'],
      ['an unknown osType', 'POST', '/images', { provider: 'fake', name: 'a', osType: 'solaris' }, 'osType'],
      ['an unknown architecture', 'POST', '/images', { provider: 'fake', name: 'a', architecture: 'x86' }, 'architecture'],
      ['an unknown visibility', 'POST', '/images', { provider: 'fake', name: 'a', visibility: 'everyone' }, 'visibility'],
      ['a null field', 'POST', '/images', { provider: 'fake', name: 'a', description: null }, 'description'],
      ['an unknown key', 'POST', '/images', { provider: 'fake', name: 'a', colour: 'red' }, 'colour'],
      ['an unknown key in a data disk', 'POST', '/images', { provider: 'fake', name: 'a', fromUrl: 'https://h/x', dataDisks: [{ url: 'https://h/d', minDiskGiB: 1, x: 1 }] }, 'dataDisks.0.x'],
      ['data disks without fromUrl', 'POST', '/images', { provider: 'fake', name: 'a', dataDisks: [{ url: 'https://h/d', minDiskGiB: 1 }] }, 'dataDisks'],
      ['a fromUrl that is no URL', 'POST', '/images', { provider: 'fake', name: 'a', fromUrl: 'not a url' }, 'fromUrl'],
      ['an empty patch', 'PATCH', '/images/fake:small', {}, 'body'],
      ['a patch with an unknown key', 'PATCH', '/images/fake:small', { size: 3 }, 'size'],
      ['a patch with a bad name', 'PATCH', '/images/fake:small', { name: '<b>' }, 'name'],
      ['a copy without name', 'POST', '/images/fake:small/copy', {}, 'name'],
      ['sizeBytes 0', 'POST', '/images/fake:small/upload', { sizeBytes: 0 }, 'sizeBytes'],
      ['sizeBytes fractional', 'POST', '/images/fake:small/upload', { sizeBytes: 1.5 }, 'sizeBytes'],
      ['an upload result of maybe', 'POST', '/images/fake:small/upload/complete', { result: 'maybe' }, 'result'],
      ['no user ids', 'POST', '/images/fake:small/shares', { userIds: [] }, 'userIds'],
      ['51 user ids', 'POST', '/images/fake:small/shares', { userIds: Array.from({ length: 51 }, (_, i) => `u${i}`) }, 'userIds'],
      ['a repeated user id', 'POST', '/images/fake:small/shares', { userIds: ['u1', 'u1'] }, 'userIds'],
      ['a user id with a space', 'POST', '/images/fake:small/shares', { userIds: ['u 1'] }, 'userIds'],
      ['a bucket without cellId', 'POST', '/images/fake:small/export', { bucket: { name: 'b', azId: 'a' } }, 'bucket.cellId'],
      ['no bucket', 'POST', '/images/fake:small/export', {}, 'bucket'],
      ['a user id path with a space', 'DELETE', '/images/fake:small/shares/u%201', undefined, 'userId'],
    ];

    it.each(cases)('answers 400 VALIDATION_FAILED for %s', async (_label, method, path, body, field) => {
      const before = WRITE_CALLS(suite.fake);
      const answer = await sendJson(method, url(path), body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('VALIDATION_FAILED');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(WRITE_CALLS(suite.fake)).toBe(before);
    });

    it('accepts names of letters, digits, Chinese characters, spaces, "-", "." and "_"', async () => {
      const created = await sendJson('POST', url('/images'), { provider: 'fake', name: '政务云 web-01.v2_最终', description: 'sync' });
      expect(created.status).toBe(201);
      expect(created.body.name).toBe('政务云 web-01.v2_最终');
    });

    it('refuses a body with a __proto__ key (prototype poisoning) as a validation problem', async () => {
      const answer = await sendJson('POST', url('/images'), '{"provider":"fake","name":"a","__proto__":{"x":1}}');
      expect([answer.status, answer.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });

    it('refuses a body that is not JSON', async () => {
      const response = await fetch(url('/images'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"provider":' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    });
  });
});
