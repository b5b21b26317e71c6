import { FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import exportRequest from './fixtures/export-request.json';
import { CecstackProvider } from './index';
import { API, CREATE_ACCOUNT, configFor, ctx, ownRecord, shareOf, success } from './provider-spec-support';

// Every vendor call is recorded under its operation name (the `operation` label of the upstream metrics and log
// lines), and each list is asked with exactly its own query parameters.
describe('CECSTACK operation names and list queries', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  // One answer for every route: a page holding a share of img-1, and img-1's own record; what a call cannot use, it
  // refuses after the call was made and recorded.
  async function provider() {
    const data = { ...ownRecord('img-1', { owner: CREATE_ACCOUNT.CECSTACK_TENANT_ID }), size: 100, current: 1, total: 1, list: [shareOf('img-1', 'share-1')] };
    upstream = await startFakeUpstream(() => success(data));
    const deps = recordingDeps();
    return { provider: new CecstackProvider(configFor(upstream.url, CREATE_ACCOUNT), deps), deps };
  }

  const input = { name: 'n', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64 } as const;
  const calls: Array<[string, (p: CecstackProvider) => Promise<unknown>]> = [
    ['images/get', (p) => p.getImage('img-1', ctx())],
    ['private-images/create', (p) => p.createImage!(input, ctx())],
    ['private-images/import', (p) => p.createImage!({ ...input, fromUrl: 'https://files.example/x.qcow2' }, ctx())],
    ['private-images/update', (p) => p.updateImage('img-1', { name: 'renamed' }, ctx())],
    ['private-images/delete', (p) => p.deleteImage('img-1', ctx())],
    ['shared-images/copy', (p) => p.copyImage!('img-1', { name: 'copy' }, ctx())],
    ['private-images/upload-prepare', (p) => p.prepareUpload('img-1', { sizeBytes: 1 }, ctx())],
    ['private-images/upload-done', (p) => p.completeUpload('img-1', { result: 'success' }, ctx())],
    ['private-images/file', (p) => p.downloadImage('img-1', {}, ctx())],
    ['private-images/share/list', (p) => p.listShares('img-1', ctx())],
    ['private-images/share', (p) => p.shareImage('img-1', { userIds: ['u-1'] }, ctx())],
    ['private-images/unshare', (p) => p.unshareImage('img-1', 'u-1', ctx())],
    ['private-images/oss-bucket-list', (p) => p.listExportTargets('img-1', ctx())],
    ['custom-images/export', (p) => p.exportImage('img-1', { bucket: exportRequest.bucket as never }, ctx())],
  ];

  it.each(calls)('records the call as %s', async (operation, call) => {
    const { provider: p, deps } = await provider();
    await call(p).catch(() => undefined);
    expect(deps.events.map((event) => event.operation)).toContain(operation);
    expect(deps.events.every((event) => event.operation.length > 0)).toBe(true);
  });

  it('asks each list with its own parameters only, and names each list call', async () => {
    const { provider: p, deps } = await provider();
    await p.listCatalog(ctx()).catch(() => undefined);
    const keys = (path: string) => upstream!.requests.filter((request) => request.path === path).map((request) => [...request.query.keys()].sort().join(','));
    expect(keys(`${API}/images`)).toEqual(['current,size']);
    expect(keys(`${API}/private-images`)).toEqual(['current,size']);
    expect(keys(`${API}/shared-images`)).toEqual(['current,orderBy,size']);
    expect(new Set(deps.events.map((event) => event.operation))).toEqual(new Set(['images/list', 'private-images/list', 'shared-images/list']));
  });
});
