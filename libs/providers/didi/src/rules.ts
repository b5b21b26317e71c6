import { ProviderRules } from '@images/core';

/** What DiDi's CIMG calls take (didi-cimg-create.md): images from a snapshot only, renamed only, copied to a region. */
export const DIDI_RULES = {
  writes: {
    create: { accepted: ['name', 'description', 'region', 'fromSnapshot'], required: ['fromSnapshot'] },
    update: { accepted: ['name'], required: [] },
    copy: { accepted: ['name', 'description', 'region'], required: ['region'] },
  },
  notes: {
    createImage: 'from a snapshot, in `region` (default: the first of DIDI_REGIONS)',
    updateImage: 'the name only',
    copyImage: 'to another region',
  },
} as const satisfies ProviderRules;
