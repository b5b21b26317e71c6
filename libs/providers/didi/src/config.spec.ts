import { ConfigError } from '@images/core';
import { didiRegistration } from './index';

describe('didiRegistration.fromEnv', () => {
  it('is disabled without DIDI_TOKEN, even with the other variables set', () => {
    expect(didiRegistration.fromEnv({})).toBeNull();
    expect(didiRegistration.fromEnv({ DIDI_TOKEN: '  ', DIDI_REGIONS: 'gz' })).toBeNull();
  });

  it('applies the defaults', () => {
    expect(didiRegistration.fromEnv({ DIDI_TOKEN: 'tok' })).toEqual({ token: 'tok', regions: ['bj'], endpoint: 'https://open.didiyunapi.com' });
  });

  it('reads a trimmed, de-duplicated region list and an endpoint without its trailing slash', () => {
    expect(didiRegistration.fromEnv({ DIDI_TOKEN: 'tok', DIDI_REGIONS: ' bj , gz,bj', DIDI_ENDPOINT: 'http://127.0.0.1:9001/' }))
      .toEqual({ token: 'tok', regions: ['bj', 'gz'], endpoint: 'http://127.0.0.1:9001' });
  });

  it.each(['bj,,gz', 'bj,', 'BJ', 'bj gz', '9z', 'bj;gz'])('rejects DIDI_REGIONS=%j', (regions) => {
    expect(() => didiRegistration.fromEnv({ DIDI_TOKEN: 'tok', DIDI_REGIONS: regions })).toThrow(ConfigError);
    expect(() => didiRegistration.fromEnv({ DIDI_TOKEN: 'tok', DIDI_REGIONS: regions })).toThrow(/^DIDI_REGIONS: /);
  });

  it('takes region ids longer than two characters, with digits and dashes', () => {
    expect(didiRegistration.fromEnv({ DIDI_TOKEN: 'tok', DIDI_REGIONS: 'bj01,cn-north-4' })?.regions).toEqual(['bj01', 'cn-north-4']);
  });

  it('names the bad region id in the error', () => {
    expect(() => didiRegistration.fromEnv({ DIDI_TOKEN: 'tok', DIDI_REGIONS: 'bj,Gz' }))
      .toThrow('DIDI_REGIONS: must be a comma list of region ids like "bj,gz" (got "Gz")');
  });

  it.each(['open.didiyunapi.com', 'ftp://example.com', 'not a url'])('rejects DIDI_ENDPOINT=%j', (endpoint) => {
    expect(() => didiRegistration.fromEnv({ DIDI_TOKEN: 'tok', DIDI_ENDPOINT: endpoint })).toThrow('DIDI_ENDPOINT: must be an http(s) URL');
  });

  it('names its variables and its secret', () => {
    expect(didiRegistration.envVariables).toEqual(['DIDI_TOKEN', 'DIDI_REGIONS', 'DIDI_ENDPOINT']);
    expect(didiRegistration.secretsOf({ token: 'tok', regions: ['bj'], endpoint: 'https://x' })).toEqual(['tok']);
  });
});
