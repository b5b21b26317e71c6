import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// Verification of Huawei's "SDK-HMAC-SHA256" AK/SK signature, rebuilt from what arrived on the wire.

export const HUAWEI_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
export const HUAWEI_MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Percent-encodes UTF-8 bytes, keeping only the unreserved `A-Za-z0-9-_.~`. */
export function huaweiPercentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Each segment re-encoded from its decoded form (so equivalent wire encodings agree), plus a trailing `/`. */
export function huaweiCanonicalUri(rawPath: string): string {
  const encoded = rawPath
    .split('/')
    .map((segment) => huaweiPercentEncode(percentDecode(segment)))
    .join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

/** `name=value` pairs, encoded, sorted by name then value, joined by `&`. */
export function huaweiCanonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const equals = part.indexOf('=');
      const name = equals < 0 ? part : part.slice(0, equals);
      const value = equals < 0 ? '' : part.slice(equals + 1);
      return { name: percentDecode(name), value: percentDecode(value) };
    });
  pairs.sort((a, b) => compareCodeUnits(a.name, b.name) || compareCodeUnits(a.value, b.value));
  return pairs.map(({ name, value }) => `${huaweiPercentEncode(name)}=${huaweiPercentEncode(value)}`).join('&');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

export interface CanonicalRequestInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Header names in lower case, as Node delivers them. */
  headers: HeaderBag;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function huaweiCanonicalRequest(input: CanonicalRequestInput): string {
  const headerBlock = input.signedHeaders
    .map((name) => {
      const value = input.headers[name];
      const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${joined.trim()}\n`;
    })
    .join('');
  return [
    input.method.toUpperCase(),
    huaweiCanonicalUri(input.rawPath),
    huaweiCanonicalQuery(input.rawQuery),
    headerBlock,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function huaweiStringToSign(sdkDate: string, canonicalRequest: string): string {
  return `${HUAWEI_SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
}

export function huaweiSignature(secretKey: string, stringToSign: string): string {
  return createHmac('sha256', secretKey).update(stringToSign).digest('hex');
}

export interface HuaweiAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`; null when it is not that shape. */
export function parseHuaweiAuthorization(header: string | undefined): HuaweiAuthorization | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${HUAWEI_SIGNING_ALGORITHM} `)) return null;
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(HUAWEI_SIGNING_ALGORITHM.length + 1).split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) return null;
    fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const accessKey = fields.get('Access');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKey || !signedHeaders || !signature) return null;
  return { accessKey, signedHeaders: signedHeaders.split(';'), signature };
}

/** `YYYYMMDDTHHMMSSZ` → epoch ms; null when malformed. */
export function parseSdkDate(value: string | undefined): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(ms) ? null : ms;
}

export interface HuaweiSignedRequest {
  method: string;
  /** The request target exactly as it arrived (path and query). */
  rawUrl: string;
  headers: HeaderBag;
  body: Buffer;
}

export type HuaweiVerdict =
  | { ok: true; accessKey: string }
  | { ok: false; reason: 'malformed' | 'unknown-access-key' | 'expired' | 'bad-signature' };

export function verifyHuaweiSignature(
  request: HuaweiSignedRequest,
  keys: { accessKey: string; secretKey: string },
  nowMs: number,
): HuaweiVerdict {
  const authorizationHeader = request.headers['authorization'];
  const authorization = parseHuaweiAuthorization(Array.isArray(authorizationHeader) ? authorizationHeader[0] : authorizationHeader);
  if (authorization === null) return { ok: false, reason: 'malformed' };
  const { signedHeaders } = authorization;
  // The list is used as sent (the signer sorts it); only its names must be lower case and present.
  if (signedHeaders.some((name) => name !== name.toLowerCase()) || !signedHeaders.includes('x-sdk-date') || !signedHeaders.includes('host')) return { ok: false, reason: 'malformed' };
  if (signedHeaders.some((name) => request.headers[name] === undefined)) return { ok: false, reason: 'malformed' };
  if (authorization.accessKey !== keys.accessKey) return { ok: false, reason: 'unknown-access-key' };

  const sdkDate = String(request.headers['x-sdk-date']);
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === null) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowMs - signedAt) > HUAWEI_MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'expired' };

  const queryStart = request.rawUrl.indexOf('?');
  const rawPath = queryStart < 0 ? request.rawUrl : request.rawUrl.slice(0, queryStart);
  const rawQuery = queryStart < 0 ? '' : request.rawUrl.slice(queryStart + 1);
  const declaredHash = request.headers['x-sdk-content-sha256'];
  // The SDKs may declare the payload hash (e.g. UNSIGNED-PAYLOAD) in this header instead of hashing the body.
  const payloadHash = typeof declaredHash === 'string' ? declaredHash : sha256Hex(request.body);
  const canonical = huaweiCanonicalRequest({ method: request.method, rawPath, rawQuery, headers: request.headers, signedHeaders, payloadHash });
  const expected = huaweiSignature(keys.secretKey, huaweiStringToSign(sdkDate, canonical));
  const given = authorization.signature.toLowerCase();
  const matches = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  return matches ? { ok: true, accessKey: authorization.accessKey } : { ok: false, reason: 'bad-signature' };
}
