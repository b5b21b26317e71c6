import { ARCHITECTURES, CREATE_VISIBILITIES, IMAGE_STATUSES, imageId, OS_TYPES, parseImageId, VISIBILITIES } from './image';
import { CAPABILITIES, ConfigError, providerRedactor, ProviderDeps } from './provider';
import { OPERATION_CAPABILITY } from './operations';
import { REDACTED, SecretRedactor } from './redact';
import { imageProviderToken, PROVIDER_DEPS } from './vendor-module';

describe('the Image model’s values (API.md section 5)', () => {
  it('lists the statuses, visibilities, OS types and architectures', () => {
    expect(IMAGE_STATUSES).toEqual(['available', 'pending', 'failed', 'unavailable', 'deleted', 'unknown']);
    expect(VISIBILITIES).toEqual(['public', 'private', 'shared', 'market', 'unknown']);
    expect(CREATE_VISIBILITIES).toEqual(['public', 'private', 'market']);
    expect(OS_TYPES).toEqual(['linux', 'windows', 'other']);
    expect(ARCHITECTURES).toEqual(['x86_64', 'arm64']);
  });
});

describe('image ids', () => {
  it('joins provider and vendor id with a colon, and splits them back', () => {
    expect(imageId('didi', 'img:1')).toBe('didi:img:1');
    expect(parseImageId(imageId('didi', 'img:1'))).toEqual({ provider: 'didi', providerImageId: 'img:1' });
  });

  it('takes one-character provider and vendor ids', () => {
    expect(parseImageId('p:i')).toEqual({ provider: 'p', providerImageId: 'i' });
    expect(parseImageId('p::')).toEqual({ provider: 'p', providerImageId: ':' });
  });
});

describe('capabilities and operations', () => {
  it('lists the capabilities GET /providers shows', () => {
    expect(CAPABILITIES).toEqual(['list', 'get', 'create', 'update', 'delete', 'copy', 'upload', 'download', 'share', 'export', 'operations']);
  });

  it('maps every operation to one of the capabilities', () => {
    for (const capability of Object.values(OPERATION_CAPABILITY)) expect(CAPABILITIES).toContain(capability);
    expect(OPERATION_CAPABILITY.completeUpload).toBe('upload');
    expect(OPERATION_CAPABILITY.unshareImage).toBe('share');
  });
});

describe('ConfigError', () => {
  it('names the variable first, in one line, and keeps it', () => {
    const error = new ConfigError('ACME_KEY', 'must be set with ACME_SECRET');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('ACME_KEY: must be set with ACME_SECRET');
    expect(error.variable).toBe('ACME_KEY');
  });
});

describe('providerRedactor', () => {
  const deps = (redactor?: SecretRedactor): ProviderDeps => ({
    observer: { onUpstreamCall: () => undefined },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    maxConcurrentRequests: 1,
    ...(redactor ? { redactor } : {}),
  });

  it('uses the gateway’s redactor when there is one', () => {
    const gateway = new SecretRedactor(['gateway-secret']);
    expect(providerRedactor(deps(gateway), ['own-secret'])).toBe(gateway);
  });

  it('makes one of the provider’s own secrets otherwise', () => {
    const own = providerRedactor(deps(), ['own-secret']);
    expect(own.text('x own-secret y')).toBe(`x ${REDACTED} y`);
  });
});

describe('vendor module tokens', () => {
  it('names one token per provider id', () => {
    expect(imageProviderToken('didi')).toBe('ImageProvider:didi');
    expect(PROVIDER_DEPS.description).toBe('PROVIDER_DEPS');
  });
});
