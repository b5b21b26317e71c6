import { ProviderRules } from '@images/core';

/** The image metadata both create calls require (cecstack-ims-api.md 1.6, 1.18) that the gateway's body marks optional. */
export const CECSTACK_CREATE_REQUIRED = ['diskFormat', 'minDiskGiB', 'minRamMiB', 'osType', 'platform', 'architecture', 'bits'] as const;

/** What CECSTACK's IMS calls take: the gateway checks these before any call. */
export const CECSTACK_RULES = {
  writes: {
    create: {
      accepted: ['name', 'description', ...CECSTACK_CREATE_REQUIRED, 'osVersion', 'visibility', 'imageType', 'usage', 'bootMode', 'fromUrl', 'dataDisks'],
      required: CECSTACK_CREATE_REQUIRED,
    },
    // PUT private-images/{id} (1.5) has no description: sent, it would be dropped and the PATCH answered 200 unchanged.
    update: { accepted: ['name', 'minDiskGiB', 'minRamMiB', 'osType', 'platform', 'osVersion', 'architecture', 'bits', 'bootMode'], required: [] },
    // A shared image is copied into the account (1.21): the target is the account, never a region.
    copy: { accepted: ['name', 'description'], required: [] },
  },
  // share and unshare take 1–50 distinct user ids per call (1.13, 1.15).
  limits: { shareUsers: 50 },
  notes: {
    createImage: 'an empty image to upload into, or an import from `fromUrl`',
    updateImage: 'every field but description (the PUT has no place for it)',
    deleteImage: 'an image shared with the account is removed from the account',
    copyImage: 'an image shared with the account, into the account',
  },
} as const satisfies ProviderRules;
