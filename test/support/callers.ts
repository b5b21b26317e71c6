import { createHash } from 'node:crypto';

/** A caller of the gateway as the tests configure it: its key (never configured), its name and scopes. */
export interface TestCaller {
  name: string;
  key: string;
  scopes: string[];
}

export const CALLERS = {
  reader: { name: 'reader', key: 'key-reader-3c9f1a7e5b2d', scopes: ['images.read'] },
  writer: { name: 'writer', key: 'key-writer-8a2e6c4f1d9b', scopes: ['images.read', 'images.write'] },
  filer: { name: 'filer', key: 'key-filer-5d7b3f9a1c6e', scopes: ['images.read', 'images.files'] },
  operator: { name: 'operator', key: 'key-operator-2f8d4b6a9e1c', scopes: ['ops'] },
  everything: { name: 'everything', key: 'key-everything-7e1c5a3d8f2b', scopes: ['images.read', 'images.write', 'images.files', 'ops'] },
} satisfies Record<string, TestCaller>;

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** AUTH_API_KEYS for these callers: `name:scopes:sha256hex`, never the keys. */
export function apiKeysEnv(callers: readonly TestCaller[] = Object.values(CALLERS)): string {
  return callers.map((caller) => `${caller.name}:${caller.scopes.join('+')}:${sha256Hex(caller.key)}`).join(',');
}

/** The gateway environment with these callers and no rate limits (the limits suites set their own). */
export function callersEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { AUTH_DISABLED: 'false', AUTH_API_KEYS: apiKeysEnv(), RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_WRITES_PER_MINUTE: '0', ...extra };
}

export const bearer = (caller: TestCaller) => ({ authorization: `Bearer ${caller.key}` });
