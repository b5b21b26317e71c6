import { createHash } from 'node:crypto';
import {
  EMPTY_BODY_SHA256,
  huaweiCanonicalQuery,
  huaweiCanonicalRequest,
  huaweiCanonicalUri,
  huaweiSignature,
  huaweiStringToSign,
  parseHuaweiAuthorization,
  sha256Hex,
  verifyHuaweiSignature,
} from './auth/huawei-signature';
import { flattenUcloudParams, ucloudSignature, verifyUcloudSignature } from './auth/ucloud-signature';

// Vectors published by the vendors (see the vendor-facts notes).

describe('Huawei SDK-HMAC-SHA256 verification', () => {
  const vpcs = {
    accessKey: 'QTWAOYTTINDUT2QVKYUC',
    secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
    method: 'GET',
    rawUrl: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
    headers: { 'content-type': 'application/json', host: 'service.region.example.com', 'x-sdk-date': '20191115T033655Z' },
    signedHeaders: ['content-type', 'host', 'x-sdk-date'],
    canonicalHash: 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a',
    signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    signedAtMs: Date.UTC(2019, 10, 15, 3, 36, 55),
  };

  function canonicalOf(method: string, rawUrl: string, headers: Record<string, string>, signedHeaders: string[], body: string) {
    const [rawPath, rawQuery = ''] = rawUrl.split('?');
    return huaweiCanonicalRequest({ method, rawPath, rawQuery, headers, signedHeaders, payloadHash: sha256Hex(body) });
  }

  it('rebuilds the canonical request and signature of the VPC vector', () => {
    const canonical = canonicalOf(vpcs.method, vpcs.rawUrl, vpcs.headers, vpcs.signedHeaders, '');
    expect(sha256Hex(canonical)).toBe(vpcs.canonicalHash);
    expect(huaweiSignature(vpcs.secretKey, huaweiStringToSign('20191115T033655Z', canonical))).toBe(vpcs.signature);
  });

  it('rebuilds the GET and POST vectors of the AccessKey/SecretKey pair', () => {
    const headers = { host: 'service.endpoint.myhuaweicloud.com', 'x-sdk-date': '20200608T023900Z' };
    const stringToSign = (method: string, body: string) =>
      huaweiStringToSign('20200608T023900Z', canonicalOf(method, '/resources?size=1', headers, ['host', 'x-sdk-date'], body));
    expect(huaweiSignature('SecretKey', stringToSign('GET', ''))).toBe('cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842');
    expect(huaweiSignature('SecretKey', stringToSign('POST', '{"name":"test","id":1}'))).toBe('436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f');
  });

  it('builds the canonical query of the vendor example', () => {
    const query = [
      'limit=1',
      'enable=true',
      `test=${encodeURIComponent('一 (&=?!#%.*)')}`,
      `path=${encodeURIComponent('/tmp/123')}`,
      'multi=1',
      'multi=2',
      'multi=3',
    ].join('&');
    expect(huaweiCanonicalQuery(query)).toBe('enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29');
  });

  it('appends the trailing slash to the canonical URI and re-encodes each segment', () => {
    expect(huaweiCanonicalUri('/v2/abc/images')).toBe('/v2/abc/images/');
    expect(huaweiCanonicalUri('/v2/abc/images/')).toBe('/v2/abc/images/');
    expect(huaweiCanonicalUri('/a%20b/c*d')).toBe('/a%20b/c%2Ad/');
    expect(huaweiCanonicalQuery('')).toBe('');
    expect(EMPTY_BODY_SHA256).toBe(sha256Hex(''));
  });

  it('parses the Authorization header', () => {
    expect(parseHuaweiAuthorization(`SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc`)).toEqual({
      accessKey: 'AK',
      signedHeaders: ['host', 'x-sdk-date'],
      signature: 'abc',
    });
    expect(parseHuaweiAuthorization('Bearer x')).toBeNull();
    expect(parseHuaweiAuthorization(undefined)).toBeNull();
  });

  describe('verifyHuaweiSignature on the VPC vector as a request', () => {
    const authorization = `SDK-HMAC-SHA256 Access=${vpcs.accessKey}, SignedHeaders=${vpcs.signedHeaders.join(';')}, Signature=${vpcs.signature}`;
    const request = { method: 'GET', rawUrl: vpcs.rawUrl, headers: { ...vpcs.headers, authorization }, body: Buffer.alloc(0) };
    const keys = { accessKey: vpcs.accessKey, secretKey: vpcs.secretKey };

    it('accepts it within 15 minutes of X-Sdk-Date', () => {
      expect(verifyHuaweiSignature(request, keys, vpcs.signedAtMs + 14 * 60_000)).toEqual({ ok: true, accessKey: vpcs.accessKey });
      expect(verifyHuaweiSignature(request, keys, vpcs.signedAtMs - 14 * 60_000).ok).toBe(true);
    });

    it('rejects it as expired past 15 minutes', () => {
      expect(verifyHuaweiSignature(request, keys, vpcs.signedAtMs + 16 * 60_000)).toEqual({ ok: false, reason: 'expired' });
    });

    it('rejects another access key, a tampered query, a tampered body and a wrong secret', () => {
      expect(verifyHuaweiSignature(request, { ...keys, accessKey: 'OTHER' }, vpcs.signedAtMs)).toEqual({ ok: false, reason: 'unknown-access-key' });
      expect(verifyHuaweiSignature({ ...request, rawUrl: vpcs.rawUrl.replace('limit=2', 'limit=3') }, keys, vpcs.signedAtMs)).toEqual({ ok: false, reason: 'bad-signature' });
      expect(verifyHuaweiSignature({ ...request, body: Buffer.from('x') }, keys, vpcs.signedAtMs)).toEqual({ ok: false, reason: 'bad-signature' });
      expect(verifyHuaweiSignature(request, { ...keys, secretKey: 'wrong' }, vpcs.signedAtMs)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it('rejects a signature that leaves out host or x-sdk-date as malformed', () => {
      const unsignedHost = authorization.replace('content-type;host;x-sdk-date', 'content-type;x-sdk-date');
      expect(verifyHuaweiSignature({ ...request, headers: { ...request.headers, authorization: unsignedHost } }, keys, vpcs.signedAtMs)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    });
  });
});

describe('UCloud SHA-1 parameter signature', () => {
  const params = { Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: '10', PublicKey: 'ucloudsomeone@example.com1296235120854146120' };
  const privateKey = '46f09bb9fab4f12dfc160dae12273d5332b5debe';

  it('matches the vendor vector', () => {
    expect(ucloudSignature(params, privateKey)).toBe('cba5cf5ec4d4233d206b1b54951e3787350a642f');
  });

  it('ignores an existing Signature parameter and verifies it', () => {
    const signed = { ...params, Signature: 'cba5cf5ec4d4233d206b1b54951e3787350a642f' };
    expect(ucloudSignature(signed, privateKey)).toBe(signed.Signature);
    expect(verifyUcloudSignature(signed, privateKey)).toBe(true);
    expect(verifyUcloudSignature({ ...signed, Limit: '11' }, privateKey)).toBe(false);
    expect(verifyUcloudSignature({ ...signed, Signature: '' }, privateKey)).toBe(false);
  });

  it('flattens JSON parameters the way they are signed', () => {
    expect(flattenUcloudParams({ Limit: 10, Ratio: 0.5, Enabled: true, Gone: null, Names: ['a', 'b'], Backends: [{ Port: 80 }] })).toEqual({
      Limit: '10',
      Ratio: '0.5',
      Enabled: 'true',
      'Names.0': 'a',
      'Names.1': 'b',
      'Backends.0.Port': '80',
    });
  });

  it('sorts keys by byte order', () => {
    const a = ucloudSignature({ 'Backends.10': 'x', 'Backends.2': 'y', action: 'z', Action: 'w' }, 'k');
    const b = ucloudSignature({ Action: 'w', 'Backends.2': 'y', action: 'z', 'Backends.10': 'x' }, 'k');
    expect(a).toBe(b);
    // 'Action' < 'Backends.10' < 'Backends.2' < 'action'
    expect(a).toBe(createHash('sha1').update('ActionwBackends.10xBackends.2yactionzk').digest('hex'));
  });
});
