import { EMPTY_BODY_SHA256, HuaweiAkSkAuth, HuaweiTokenAuth, canonicalQuery, canonicalUri, sdkDate, signSdkHmacSha256 } from './auth';
import { createHash } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// The vendor's published vectors (notes/vendor-facts.md, Huawei section).
describe('SDK-HMAC-SHA256 vendor vectors', () => {
  it('GET with query and a signed content-type (AK QTWAOYTTINDUT2QVKYUC)', () => {
    const signed = signSdkHmacSha256(
      {
        method: 'GET',
        host: 'service.region.example.com',
        path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
        query: [['limit', 2], ['marker', '13551d6b-755d-4757-b956-536f674975c0']],
        headers: { 'Content-Type': 'application/json' },
        body: '',
        sdkDate: '20191115T033655Z',
      },
      'QTWAOYTTINDUT2QVKYUC',
      'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
    );
    expect(signed.signedHeaders).toBe('content-type;host;x-sdk-date');
    expect(sha256(signed.canonicalRequest)).toBe('b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a');
    expect(signed.signature).toBe('7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe');
    expect(signed.authorization).toBe(
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
  });

  const resources = { host: 'service.endpoint.myhuaweicloud.com', path: '/resources', query: [['size', 1]] as const, headers: {}, sdkDate: '20200608T023900Z' };

  it('GET /resources?size=1 (AK AccessKey)', () => {
    const signed = signSdkHmacSha256({ ...resources, method: 'GET', body: '' }, 'AccessKey', 'SecretKey');
    expect(signed.signedHeaders).toBe('host;x-sdk-date');
    expect(signed.canonicalRequest.endsWith(`\n${EMPTY_BODY_SHA256}`)).toBe(true);
    expect(signed.signature).toBe('cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842');
  });

  it('POST /resources?size=1 with a JSON body (AK AccessKey)', () => {
    const signed = signSdkHmacSha256({ ...resources, method: 'POST', body: '{"name":"test","id":1}' }, 'AccessKey', 'SecretKey');
    expect(signed.signature).toBe('436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f');
  });

  it('empty payload hash', () => {
    expect(sha256('')).toBe(EMPTY_BODY_SHA256);
  });

  it('canonical query example: encoding, sorting by name, repeated names', () => {
    expect(
      canonicalQuery([['limit', 1], ['enable', true], ['test', '一 (&=?!#%.*)'], ['path', '/tmp/123'], ['multi', 1], ['multi', 2], ['multi', 3]]),
    ).toBe('enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29');
  });
});

describe('canonical pieces', () => {
  it('appends the signing slash and encodes each segment once', () => {
    expect(canonicalUri('/v2/abc/images')).toBe('/v2/abc/images/');
    expect(canonicalUri('/v2/abc/images/')).toBe('/v2/abc/images/');
    expect(canonicalUri('/v2/a%20b/im*ages')).toBe('/v2/a%20b/im%2Aages/');
  });

  it('drops absent query values, as the wire does, and an empty query is an empty line', () => {
    expect(canonicalQuery([['b', 'x'], ['a', undefined], ['c', null]])).toBe('b=x');
    expect(canonicalQuery([])).toBe('');
  });

  it('sorts repeated names by value, and by bytes rather than by their encoding', () => {
    expect(canonicalQuery([['multi', 3], ['multi', 1], ['multi', 2]])).toBe('multi=1&multi=2&multi=3');
    // '一' (UTF-8 E4…) sorts after 'a' although its encoding starts with '%'.
    expect(canonicalQuery([['k', '一'], ['k', 'a']])).toBe('k=a&k=%E4%B8%80');
  });

  it('formats X-Sdk-Date in UTC', () => {
    expect(sdkDate(new Date('2019-11-15T03:36:55.123Z'))).toBe('20191115T033655Z');
  });

  it('never signs header names containing an underscore', () => {
    const signed = signSdkHmacSha256(
      { method: 'GET', host: 'h', path: '/', query: [], headers: { X_Custom: '1', 'X-Project-Id': 'p' }, body: '', sdkDate: '20200608T023900Z' },
      'a',
      'b',
    );
    expect(signed.signedHeaders).toBe('host;x-project-id;x-sdk-date');
  });
});

describe('auth strategies', () => {
  const request = { method: 'GET', host: 'workspace.cn-north-4.myhuaweicloud.com', path: '/v2/p1/images', query: [['offset', 0], ['limit', 100]] as const, headers: { 'X-Project-Id': 'p1' }, body: '' };

  it('AK/SK adds X-Sdk-Date and the Authorization of the signer, at the current time', () => {
    const auth = new HuaweiAkSkAuth('AccessKey', 'SecretKey', () => new Date('2020-06-08T02:39:00Z'));
    const headers = auth.headers(request);
    const expected = signSdkHmacSha256({ ...request, sdkDate: '20200608T023900Z' }, 'AccessKey', 'SecretKey');
    expect(headers).toEqual({ 'X-Sdk-Date': '20200608T023900Z', Authorization: expected.authorization });
    expect(expected.signedHeaders).toBe('host;x-project-id;x-sdk-date');
  });

  it('token sends X-Auth-Token only', () => {
    expect(new HuaweiTokenAuth('tok-123').headers()).toEqual({ 'X-Auth-Token': 'tok-123' });
  });
});
