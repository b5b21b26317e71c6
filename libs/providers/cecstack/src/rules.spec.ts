import { FieldError, shareUsersErrors, writeFieldErrors } from '@images/core';
import { CECSTACK_RULES } from './rules';

const named = (errors: FieldError[]) => errors.map((e) => `${e.field}: ${e.message}`);

describe('what CECSTACK takes (API.md section 7), as the gateway checks it', () => {
  it('requires the image metadata to create, and refuses a snapshot or region', () => {
    const fields = { name: 'centos8.2', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64 };
    expect(named(writeFieldErrors(CECSTACK_RULES, 'create', 'cecstack', fields))).toEqual([]);
    expect(named(writeFieldErrors(CECSTACK_RULES, 'create', 'cecstack', { name: 'a', region: 'x' })).sort()).toEqual([
      'architecture: is required by cecstack for create', 'bits: is required by cecstack for create', 'diskFormat: is required by cecstack for create',
      'minDiskGiB: is required by cecstack for create', 'minRamMiB: is required by cecstack for create', 'osType: is required by cecstack for create',
      'platform: is required by cecstack for create', 'region: is not taken by cecstack for create',
    ]);
  });

  it('copies into the account, never to a region', () => {
    expect(named(writeFieldErrors(CECSTACK_RULES, 'copy', 'cecstack', { name: 'a', region: 'gz' }))).toEqual(['region: is not taken by cecstack for copy']);
    expect(named(writeFieldErrors(CECSTACK_RULES, 'copy', 'cecstack', { name: 'a', description: 'dd' }))).toEqual([]);
  });

  it('updates every field the PUT (1.5) has a place for, and refuses a description it has none for', () => {
    const all = { name: 'n', minDiskGiB: 9, minRamMiB: 512, osType: 'linux', platform: 'CentOS', osVersion: '8', architecture: 'x86_64', bits: 64, bootMode: 'UEFI' };
    expect(writeFieldErrors(CECSTACK_RULES, 'update', 'cecstack', all)).toEqual([]);
    expect(named(writeFieldErrors(CECSTACK_RULES, 'update', 'cecstack', { name: 'n', description: 'dd' }))).toEqual(['description: is not taken by cecstack for update']);
  });

  it('shares with at most 50 users per call', () => {
    const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    expect(shareUsersErrors(CECSTACK_RULES, 'cecstack', users(50))).toEqual([]);
    expect(named(shareUsersErrors(CECSTACK_RULES, 'cecstack', users(51)))).toEqual(['userIds: must hold at most 50 user ids for cecstack']);
  });

  it('takes every optional create field the IMS create or import has a place for', () => {
    const fields = {
      name: 'n', description: 'd', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64,
      osVersion: '8.2', visibility: 'private', imageType: 'os_image', usage: 'ecs', bootMode: 'UEFI', fromUrl: 'https://x/y.qcow2', dataDisks: [],
    };
    expect(writeFieldErrors(CECSTACK_RULES, 'create', 'cecstack', fields)).toEqual([]);
  });

  it('tells GET /providers what each write does on CECSTACK', () => {
    expect(CECSTACK_RULES.notes).toEqual({
      createImage: 'an empty image to upload into, or an import from `fromUrl`',
      updateImage: 'every field but description (the PUT has no place for it)',
      deleteImage: 'an image shared with the account is removed from the account',
      copyImage: 'an image shared with the account, into the account',
    });
  });
});
