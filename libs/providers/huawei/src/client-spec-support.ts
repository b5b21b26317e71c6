import { createHash, createHmac } from 'node:crypto';
import { FakeAnswer, FakeRequest } from '@images/testing';
import { HuaweiConfig, huaweiConfigFromEnv } from './index';

// What the client-*.spec.ts files share: credentials, a paged catalog to serve, and the vendor's side of the signature.

export const AK = 'QTWAOYTTINDUT2QVKYUC';
export const SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc';
export const TOKEN = 'MIIZ-token-value-for-tests';
export const PROJECT = '0e69423d4400f4a82f67c0059a1e4cc8';

export const catalog = Array.from({ length: 250 }, (_, i) => ({
  id: `img-${String(i).padStart(3, '0')}`,
  image_type: i % 2 ? 'private' : 'gold',
  os_type: 'Linux',
  os_version: 'EulerOS 2.5 64bit',
  disk_format: 'qcow2',
  name: `image ${i}`,
  min_ram: 0,
  min_disk: 40,
}));

/** Serves the catalog by offset/limit, capped at `cap` items per page. */
export function pagedCatalog(cap = 100) {
  return (request: FakeRequest): FakeAnswer => {
    const offset = Number(request.query.get('offset'));
    const limit = Math.min(Number(request.query.get('limit')), cap);
    return { body: { total_count: catalog.length, images: catalog.slice(offset, offset + limit) } };
  };
}

export function configFor(url: string, credentials: Record<string, string>): HuaweiConfig {
  return huaweiConfigFromEnv({ HUAWEI_PROJECT_ID: PROJECT, HUAWEI_ENDPOINT: url, ...credentials }) as HuaweiConfig;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** What the vendor's gateway does: rebuild the signature from the request as it arrived. */
export function recomputeSignature(request: FakeRequest, secretKey: string) {
  const match = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(request.headers.authorization));
  if (!match) throw new Error(`unexpected Authorization: ${request.headers.authorization}`);
  const [, access, signedHeaders, signature] = match;
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name] ?? '').trim()}\n`).join('');
  const canonicalQuery = [...request.query.entries()]
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join('&');
  const uri = request.path.endsWith('/') ? request.path : `${request.path}/`;
  const canonicalRequest = [request.method, uri, canonicalQuery, canonicalHeaders, signedHeaders, sha256(request.body)].join('\n');
  const stringToSign = `SDK-HMAC-SHA256\n${request.headers['x-sdk-date']}\n${sha256(canonicalRequest)}`;
  return { access, names, signature, expected: createHmac('sha256', secretKey).update(stringToSign).digest('hex') };
}

export const ctx = (ms = 5000) => ({ signal: AbortSignal.timeout(ms) });
