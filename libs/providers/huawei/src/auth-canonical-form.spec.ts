import { canonicalUri, sdkDate, signSdkHmacSha256 } from './auth';

// The first published vector (vendor-facts, Huawei section), sent in forms the canonical request must normalise.
const vector = {
  method: 'GET',
  host: 'service.region.example.com',
  path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
  query: [['limit', 2], ['marker', '13551d6b-755d-4757-b956-536f674975c0']] as const,
  headers: { 'Content-Type': 'application/json' },
  body: '',
  sdkDate: '20191115T033655Z',
};
const AK = 'QTWAOYTTINDUT2QVKYUC';
const SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc';
const VECTOR_SIGNATURE = '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe';

describe('SDK-HMAC-SHA256 canonical form', () => {
  it('signs trimmed header values: padding around a value does not change the signature', () => {
    const padded = signSdkHmacSha256({ ...vector, headers: { 'Content-Type': '  application/json \t' } }, AK, SK);
    expect(padded.canonicalRequest).toContain('\ncontent-type:application/json\n');
    expect(padded.signature).toBe(VECTOR_SIGNATURE);
  });

  it('signs the trimmed host', () => {
    const signed = signSdkHmacSha256({ ...vector, host: ' service.region.example.com  ' }, AK, SK);
    expect(signed.canonicalRequest).toContain('\nhost:service.region.example.com\n');
    expect(signed.signature).toBe(VECTOR_SIGNATURE);
  });

  it('lower-cases header names and upper-cases the method', () => {
    const signed = signSdkHmacSha256({ ...vector, method: 'get', headers: { 'CONTENT-TYPE': 'application/json' } }, AK, SK);
    expect(signed.canonicalRequest.startsWith('GET\n')).toBe(true);
    expect(signed.signedHeaders).toBe('content-type;host;x-sdk-date');
    expect(signed.signature).toBe(VECTOR_SIGNATURE);
  });

  it('lays the canonical request out line by line, the headers block ending with its own newline', () => {
    const signed = signSdkHmacSha256(vector, AK, SK);
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
        'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
        'content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n',
        'content-type;host;x-sdk-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe('SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a');
  });

  it('signs the X-Sdk-Date it is given, even when the headers carry another', () => {
    const signed = signSdkHmacSha256({ ...vector, headers: { ...vector.headers, 'X-Sdk-Date': '20000101T000000Z' } }, AK, SK);
    expect(signed.canonicalRequest).toContain('\nx-sdk-date:20191115T033655Z\n');
    expect(signed.signature).toBe(VECTOR_SIGNATURE);
  });
});

describe('canonicalUri on unusual paths', () => {
  it('keeps a segment that is not valid percent-encoding, encoding its % once', () => {
    expect(canonicalUri('/v2/%E4/images')).toBe('/v2/%25E4/images/');
    expect(canonicalUri('/v2/100%/images')).toBe('/v2/100%25/images/');
  });

  it('encodes a segment that arrives unencoded, and leaves unreserved characters alone', () => {
    expect(canonicalUri('/v2/一/a~b_c.d-e')).toBe('/v2/%E4%B8%80/a~b_c.d-e/');
  });
});

describe('sdkDate', () => {
  it('drops the milliseconds and every separator, keeping the Z', () => {
    expect(sdkDate(new Date('2024-02-29T23:59:59.999Z'))).toBe('20240229T235959Z');
    expect(sdkDate(new Date(Date.UTC(2020, 5, 8, 2, 39, 0)))).toBe('20200608T023900Z');
  });
});
