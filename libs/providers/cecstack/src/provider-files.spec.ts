import { ProblemCode } from '@images/core';
import { FakeAnswer, recordingDeps } from '@images/testing';
import uploadDoneRequest from './fixtures/upload-done-request.json';
import uploadDoneResponse from './fixtures/upload-done-response.json';
import uploadPrepareRequest from './fixtures/upload-prepare-request.json';
import uploadPrepareResponse from './fixtures/upload-prepare-response.json';
import { API, ctx, expectVendorCall, failure, success, useFakeIms, vendorError } from './provider-spec-support';

describe('CECSTACK provider operations against a real HTTP server', () => {
  const serve = useFakeIms();

  describe('upload', () => {
    const ID = 'img-kvvfk28fcjc0mt';

    it('prepareUpload: POST upload-prepare {size}, the object-storage details in camelCase, never logged', async () => {
      const deps = recordingDeps();
      const { provider, requests } = await serve({ [`POST ${API}/private-images/${ID}/upload-prepare`]: { body: uploadPrepareResponse } }, {}, deps);
      const target = await provider.prepareUpload(ID, { sizeBytes: 104234 }, ctx());

      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/upload-prepare`, uploadPrepareRequest);
      expect(target).toEqual({
        uploadId: null, imageUrl: '', accessKey: 'E8iGSz1FLwTsaIw9MAEh', secretKey: 'R3rvxgFc1x9WkynfO4B8bYw6I78uYKtGgvdFanMk', token: '',
        bucket: 'iaas-image-bc9ce42d2a804f718d3022797a5cc13a', file: 'img-xs6oaf7h9kvxr', domain: 'https://10.253.101.4:8009',
      });
      const surfaces = [...deps.logLines, JSON.stringify(deps.events)].join('\n');
      expect(deps.logLines.length).toBeGreaterThan(0);
      expect(surfaces).not.toContain('R3rvxgFc1x9WkynfO4B8bYw6I78uYKtGgvdFanMk');
      expect(surfaces).not.toContain('E8iGSz1FLwTsaIw9MAEh');
    });

    it('prepareUpload: an answer without bucket and file is a bad response; vendor refusals are translated', async () => {
      const { provider } = await serve({
        [`POST ${API}/private-images/img-a/upload-prepare`]: success({ accessKey: 'a' }),
        [`POST ${API}/private-images/img-b/upload-prepare`]: vendorError('IMG.OperationFailed.UploadNotAllowed'),
        [`POST ${API}/private-images/img-c/upload-prepare`]: vendorError('IMG.OperationFailed.UploadNotPermission'),
      });
      expect((await failure(provider.prepareUpload('img-a', { sizeBytes: 1 }, ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
      expect((await failure(provider.prepareUpload('img-b', { sizeBytes: 1 }, ctx()))).code).toBe('CONFLICT');
      expect((await failure(provider.prepareUpload('img-c', { sizeBytes: 1 }, ctx()))).code).toBe('FORBIDDEN');
    });

    it('completeUpload: POST upload-done {result, uploadId}; success is vendor work in progress', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/private-images/${ID}/upload-done`]: { body: uploadDoneResponse } });
      expect(await provider.completeUpload(ID, { result: 'success', uploadId: 'test' }, ctx())).toEqual({ image: null, operation: null, accepted: true });
      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/upload-done`, uploadDoneRequest);
      expect(await provider.completeUpload(ID, { result: 'failed' }, ctx())).toEqual({ image: null, operation: null, accepted: false });
      expect(JSON.parse(requests[1].body)).toEqual({ result: 'failed' });
    });
  });

  describe('downloadImage', () => {
    const ID = 'img-kvvfk28fcjc0mt';

    it('GET private-images/{id}/file streamed, Range passed through, only the file headers handed on', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/private-images/${ID}/file`]: (request): FakeAnswer => (request.headers.range === 'bytes=2-5'
          ? { status: 206, headers: { 'content-type': 'application/octet-stream', 'Content-Range': 'bytes 2-5/10', 'Content-Length': '4', 'Set-Cookie': 'lb=1', 'X-Internal': 'x' }, body: '2345' }
          : { status: 200, headers: { 'content-type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="test.qcow2"' }, body: '0123456789' }),
      });
      const part = await provider.downloadImage(ID, { range: 'bytes=2-5' }, ctx());
      expect(part.status).toBe(206);
      expect(part.headers).toEqual({ 'content-type': 'application/octet-stream', 'content-range': 'bytes 2-5/10', 'content-length': '4' });
      const chunks: Buffer[] = [];
      for await (const chunk of part.body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('2345');
      expectVendorCall(requests[0], 'GET', `${API}/private-images/${ID}/file`);
      expect(requests[0].headers.range).toBe('bytes=2-5');

      const whole = await provider.downloadImage(ID, {}, ctx());
      expect(whole.status).toBe(200);
      expect(whole.headers['content-disposition']).toBe('attachment; filename="test.qcow2"');
      whole.body.resume();
      expect(requests[1].headers.range).toBeUndefined();
    });

    it.each<[string, ProblemCode]>([
      ['IMG.OperationFailed.DownloadNotAllowed', 'CONFLICT'],
      ['IMG.OperationFailed.DownloadNotallowed', 'CONFLICT'],
      ['IMG.DBGet.NoData', 'NOT_FOUND'],
      ['IMG.OperationDenied.Identity', 'FORBIDDEN'],
    ])('a vendor error %s on the file -> %s', async (code, expected) => {
      const { provider } = await serve({ [`GET ${API}/private-images/${ID}/file`]: vendorError(code) });
      expect(await failure(provider.downloadImage(ID, {}, ctx()))).toMatchObject({ code: expected, provider: 'cecstack', upstream: { status: 400, code } });
    });

    it('an unsatisfiable range -> VALIDATION_FAILED on range', async () => {
      const { provider } = await serve({ [`GET ${API}/private-images/${ID}/file`]: { status: 416, headers: { 'Content-Range': 'bytes */10' }, body: '' } });
      const error = await failure(provider.downloadImage(ID, { range: 'bytes=20-' }, ctx()));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'range', message: 'is not satisfiable for this file' }] });
      expect(error.detail).toContain('bytes */10');
    });

    it('another error status is the vendor failing, not the range; an error status with a success envelope is a bad response', async () => {
      const { provider } = await serve({
        [`GET ${API}/private-images/img-500/file`]: { status: 500, body: 'broken' },
        [`GET ${API}/private-images/img-odd/file`]: { status: 500, body: { requestId: 'r', code: 'Success', message: 'ok', data: null } },
      });
      expect((await failure(provider.downloadImage('img-500', { range: 'bytes=0-1' }, ctx()))).code).toBe('UPSTREAM_ERROR');
      expect(await failure(provider.downloadImage('img-odd', {}, ctx()))).toMatchObject({ code: 'UPSTREAM_ERROR' });
    });
  });
});
