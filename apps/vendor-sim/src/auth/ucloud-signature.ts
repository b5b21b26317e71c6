import { createHash, timingSafeEqual } from 'node:crypto';

// Verification of UCloud's parameter signature: sorted `keyvalue` pairs + private key, SHA-1, lower-case hex.

/**
 * Flattens request parameters the way UCloud signs them: arrays as `Name.0`, objects as `Name.0.Sub`,
 * nulls dropped, booleans `true`/`false`, numbers in their shortest form.
 */
export function flattenUcloudParams(params: Readonly<Record<string, unknown>>): Record<string, string> {
  const flat: Record<string, string> = {};
  const visit = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) value.forEach((element, i) => visit(`${key}.${i}`, element));
    else if (typeof value === 'object') for (const [sub, element] of Object.entries(value)) visit(`${key}.${sub}`, element);
    else flat[key] = String(value);
  };
  for (const [key, value] of Object.entries(params)) visit(key, value);
  return flat;
}

/** Byte order of the UTF-8 keys (`Backends.10` before `Backends.2`, upper case before lower case). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function ucloudSignature(params: Readonly<Record<string, string>>, privateKey: string): string {
  const payload = Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort(compareBytes)
    .map((key) => `${key}${params[key]}`)
    .join('');
  return createHash('sha1').update(payload + privateKey).digest('hex');
}

export function verifyUcloudSignature(params: Readonly<Record<string, string>>, privateKey: string): boolean {
  const given = (params['Signature'] ?? '').toLowerCase();
  const expected = ucloudSignature(params, privateKey);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
