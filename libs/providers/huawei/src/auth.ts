import { createHash, createHmac } from 'node:crypto';
import { QueryValue, WireRequest, encodeRfc3986 } from '@images/http';

/** How a Huawei request is authenticated: returns the headers to add. */
export interface HuaweiAuth {
  headers(request: WireRequest): Record<string, string>;
}

/** IAM token: sent as is. */
export class HuaweiTokenAuth implements HuaweiAuth {
  constructor(private readonly token: string) {}

  headers(): Record<string, string> {
    return { 'X-Auth-Token': this.token };
  }
}

export const SDK_HMAC_SHA256 = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function sdkDate(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Each segment percent-encoded (unreserved kept), plus a trailing slash that exists only in the signed string. */
export function canonicalUri(wirePath: string): string {
  // The wire path is already encoded: decode first so a segment is never encoded twice.
  const encoded = wirePath.split('/').map((segment) => encodeRfc3986(decodeSegment(segment))).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

const byUtf8Bytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Names and values encoded, sorted by name then value (byte order, as the vendor's gateway does), joined by `&`. */
export function canonicalQuery(query: ReadonlyArray<readonly [string, QueryValue]>): string {
  return query
    .filter((pair): pair is readonly [string, string | number | boolean] => pair[1] !== undefined && pair[1] !== null)
    .map(([name, value]) => [name, String(value)] as const)
    .sort((a, b) => byUtf8Bytes(a[0], b[0]) || byUtf8Bytes(a[1], b[1]))
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .join('&');
}

/** `path` is the wire path without the signing slash: `canonicalUri` adds it. */
export interface SdkSigningInput extends WireRequest {
  /** The `X-Sdk-Date` value; it is signed. */
  sdkDate: string;
}

export interface SdkSignature {
  canonicalRequest: string;
  stringToSign: string;
  /** `;`-joined lower-case names. */
  signedHeaders: string;
  signature: string;
  authorization: string;
}

/** SDK-HMAC-SHA256 over host, x-sdk-date and every header of the request (names with `_` are never signed). */
export function signSdkHmacSha256(input: SdkSigningInput, accessKey: string, secretKey: string): SdkSignature {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (!lower.includes('_')) headers.set(lower, value.trim());
  }
  headers.set('host', input.host.trim());
  headers.set('x-sdk-date', input.sdkDate);
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name)}\n`).join('');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQuery(input.query),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n');
  const stringToSign = `${SDK_HMAC_SHA256}\n${input.sdkDate}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', secretKey).update(stringToSign, 'utf8').digest('hex');
  return {
    canonicalRequest,
    stringToSign,
    signedHeaders,
    signature,
    authorization: `${SDK_HMAC_SHA256} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** AK/SK: signs each request at send time (the vendor rejects dates more than 15 minutes off). */
export class HuaweiAkSkAuth implements HuaweiAuth {
  constructor(
    private readonly accessKey: string,
    private readonly secretKey: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  headers(request: WireRequest): Record<string, string> {
    const date = sdkDate(this.now());
    const signed = signSdkHmacSha256({ ...request, sdkDate: date }, this.accessKey, this.secretKey);
    return { 'X-Sdk-Date': date, Authorization: signed.authorization };
  }
}
