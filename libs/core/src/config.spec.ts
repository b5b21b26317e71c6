import { envValue, parseHttpEndpoint } from './config';
import { ConfigError } from './provider';

describe('envValue', () => {
  it('trims the value', () => {
    expect(envValue({ NAME: '  value \n' }, 'NAME')).toBe('value');
  });

  it.each([undefined, '', '   '])('treats %j as unset', (value) => {
    expect(envValue({ NAME: value }, 'NAME')).toBeUndefined();
  });
});

describe('parseHttpEndpoint', () => {
  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['http://127.0.0.1:9001//', 'http://127.0.0.1:9001'],
    ['http://127.0.0.1:4010/gw/huawei/', 'http://127.0.0.1:4010/gw/huawei'],
    ['HTTPS://API.Example.com/Prefix', 'https://api.example.com/Prefix'],
  ])('%j -> %j', (raw, expected) => {
    expect(parseHttpEndpoint('X_ENDPOINT', raw)).toBe(expected);
  });

  it.each(['api.example.com', 'not a url', '', 'ftp://example.com', 'file:///etc/passwd'])('rejects %j as not an http(s) URL', (raw) => {
    expect(() => parseHttpEndpoint('X_ENDPOINT', raw)).toThrow(ConfigError);
    expect(() => parseHttpEndpoint('X_ENDPOINT', raw)).toThrow(new ConfigError('X_ENDPOINT', 'must be an http(s) URL'));
  });

  it.each(['https://api.example.com/?a=1', 'https://api.example.com/#top', 'https://user:pass@api.example.com', 'https://user@api.example.com', 'https://:pass@api.example.com'])(
    'rejects %j, whose query, fragment or user info would be lost',
    (raw) => {
      expect(() => parseHttpEndpoint('X_ENDPOINT', raw)).toThrow(new ConfigError('X_ENDPOINT', 'must not carry a query, fragment or user info'));
    },
  );
});
