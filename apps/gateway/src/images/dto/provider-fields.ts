import { FieldError } from '@images/core';
import { validationFailed } from '../../common/validation';

/**
 * The body fields each provider takes per write, from the table in API.md section 7. Checked by the service once
 * the owning provider is known, so a field a vendor would ignore (or miss) is a 400 before any vendor call.
 * A provider without an entry takes every field of the DTO and requires none beyond it.
 */
interface FieldRule {
  accepted: readonly string[];
  required: readonly string[];
}

const CECSTACK_CREATE = ['name', 'description', 'diskFormat', 'minDiskGiB', 'minRamMiB', 'osType', 'platform', 'osVersion', 'architecture', 'bits', 'visibility', 'imageType', 'usage', 'bootMode', 'fromUrl', 'dataDisks'];

export const PROVIDER_FIELDS: Record<'create' | 'update' | 'copy', Readonly<Record<string, FieldRule>>> = {
  create: {
    didi: { accepted: ['name', 'description', 'region', 'fromSnapshot'], required: ['fromSnapshot'] },
    cecstack: { accepted: CECSTACK_CREATE, required: ['diskFormat', 'minDiskGiB', 'minRamMiB', 'osType', 'platform', 'architecture', 'bits'] },
  },
  update: {
    didi: { accepted: ['name'], required: [] },
  },
  copy: {
    didi: { accepted: ['name', 'description', 'region'], required: ['region'] },
    cecstack: { accepted: ['name', 'description'], required: [] },
  },
};

/** Throws VALIDATION_FAILED naming every field the provider does not take or misses. `ignore` are routing fields. */
export function checkProviderFields(write: keyof typeof PROVIDER_FIELDS, providerId: string, body: object, ignore: readonly string[] = []): void {
  const rule = Object.prototype.hasOwnProperty.call(PROVIDER_FIELDS[write], providerId) ? PROVIDER_FIELDS[write][providerId] : undefined;
  if (!rule) return;
  const sent = Object.keys(body).filter((key) => (body as Record<string, unknown>)[key] !== undefined && !ignore.includes(key));
  const errors: FieldError[] = [
    ...sent.filter((key) => !rule.accepted.includes(key)).map((field) => ({ field, message: `is not taken by ${providerId} for ${write}` })),
    ...rule.required.filter((key) => !sent.includes(key)).map((field) => ({ field, message: `is required by ${providerId} for ${write}` })),
  ];
  if (errors.length > 0) throw validationFailed(errors);
}
