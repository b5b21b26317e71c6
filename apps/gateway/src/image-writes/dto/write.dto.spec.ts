import { GatewayError } from '@images/core';
import { IMAGE_NAME } from '../../common/dto-fields';
import { StrictValidationPipe } from '../../common/validation';
import { CompleteUploadBody, PrepareUploadBody } from '../../image-files/dto/files.dto';
import { ExportImageBody, ShareImageBody } from '../../shares/dto/shares.dto';
import { CopyImageBody, CreateImageBody, UpdateImageBody } from './write.dto';

const pipe = new StrictValidationPipe();

async function validate(metatype: Function, value: unknown): Promise<unknown> {
  return pipe.transform(value, { type: 'body', metatype: metatype as never });
}

/** The fields a refused body names; fails the test when the body is accepted. */
async function refusedFields(metatype: Function, value: unknown): Promise<string[]> {
  const error = await validate(metatype, value).then(() => null, (e: unknown) => e);
  if (!(error instanceof GatewayError)) throw new Error(`expected a validation failure, got ${String(error)}`);
  expect(error.code).toBe('VALIDATION_FAILED');
  return (error.errors ?? []).map((e) => e.field);
}

const METADATA_CREATE = {
  provider: 'cloud-a', name: 'centos8.2', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64,
};

describe('write DTOs', () => {
  describe('image names', () => {
    it.each(['a', 'centos8.2', 'web 01', '政务云-办公_v1.2', 'A'.repeat(128), '𠀀字'])('accepts %s', (name) => {
      expect(IMAGE_NAME.test(name)).toBe(true);
    });
    it.each(['', ' a', 'a ', 'a/b', 'a:b', 'a\tb', 'é', 'emoji😀', 'A'.repeat(129), 'a,b'])('refuses %j', (name) => {
      expect(IMAGE_NAME.test(name)).toBe(false);
    });
  });

  it('accepts a create with the full image metadata, and one from a snapshot', async () => {
    await expect(validate(CreateImageBody, { ...METADATA_CREATE, description: 'ok', visibility: 'private', bootMode: 'UEFI', fromUrl: 'https://10.253.6.101/img.qcow2', dataDisks: [{ url: 'https://10.0.0.1/d.qcow2', minDiskGiB: 10 }] })).resolves.toBeInstanceOf(CreateImageBody);
    await expect(validate(CreateImageBody, { provider: 'cloud-b', name: 'from snap', fromSnapshot: '3fd352092a3f553cb124223f6a7f09b4', region: 'bj' })).resolves.toBeInstanceOf(CreateImageBody);
  });

  it.each([
    [{ ...METADATA_CREATE, minDiskGiB: 10.5 }, 'minDiskGiB'],
    [{ ...METADATA_CREATE, minRamMiB: -1 }, 'minRamMiB'],
    [{ ...METADATA_CREATE, bits: '64' }, 'bits'],
    [{ ...METADATA_CREATE, osType: 'Linux' }, 'osType'],
    [{ ...METADATA_CREATE, architecture: 'arm' }, 'architecture'],
    [{ ...METADATA_CREATE, visibility: 'shared' }, 'visibility'],
    [{ ...METADATA_CREATE, diskFormat: 'QCOW2' }, 'diskFormat'],
    [{ ...METADATA_CREATE, bootMode: 'legacy' }, 'bootMode'],
    [{ ...METADATA_CREATE, platform: 'Cent\nOS' }, 'platform'],
    [{ ...METADATA_CREATE, fromUrl: 'ftp://host/x' }, 'fromUrl'],
    [{ ...METADATA_CREATE, provider: 'Not A Provider' }, 'provider'],
    [{ ...METADATA_CREATE, description: 'x'.repeat(257) }, 'description'],
    [{ ...METADATA_CREATE, osVersion: null }, 'osVersion'],
    [{ ...METADATA_CREATE, extra: 1 }, 'extra'],
  ])('refuses a create with a bad field (%#)', async (body, field) => {
    expect(await refusedFields(CreateImageBody, body)).toContain(field);
  });

  it('names every bad field at once', async () => {
    expect((await refusedFields(CreateImageBody, { provider: 'cloud-a', name: ' x', minDiskGiB: 0, bits: 16 })).sort()).toEqual(['bits', 'minDiskGiB', 'name']);
  });

  it('validates patches, copies, uploads, shares and exports', async () => {
    await expect(validate(UpdateImageBody, { name: 'new name', minDiskGiB: 20 })).resolves.toBeInstanceOf(UpdateImageBody);
    expect(await refusedFields(UpdateImageBody, { minRamMiB: 1.5 })).toEqual(['minRamMiB']);
    expect(await refusedFields(CopyImageBody, { description: 'only' })).toEqual(['name']);
    expect(await refusedFields(PrepareUploadBody, { sizeBytes: Number.MAX_SAFE_INTEGER + 2 })).toEqual(['sizeBytes']);
    await expect(validate(PrepareUploadBody, { sizeBytes: 2 ** 40 })).resolves.toMatchObject({ sizeBytes: 2 ** 40 });
    expect(await refusedFields(CompleteUploadBody, { result: 'SUCCESS' })).toEqual(['result']);
    await expect(validate(ShareImageBody, { userIds: Array.from({ length: 50 }, (_, i) => `7085524801413873${String(i).padStart(3, '0')}`) })).resolves.toBeInstanceOf(ShareImageBody);
    expect(await refusedFields(ShareImageBody, { userIds: 'u1' })).toContain('userIds');
    expect(await refusedFields(ShareImageBody, { userIds: [1] })).toContain('userIds');
    expect(await refusedFields(ExportImageBody, { bucket: { name: 'b', azId: 'AZ0', cellId: 'ecs49', owner: 'x' } })).toEqual(['bucket.owner']);
    expect(await refusedFields(ExportImageBody, { bucket: 'hello1' })).toContain('bucket');
  });
});
