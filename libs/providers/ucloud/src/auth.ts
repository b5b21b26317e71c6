import { createHash } from 'node:crypto';

export type UcloudParamValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly UcloudParamValue[]
  | { readonly [name: string]: UcloudParamValue };

/**
 * UCloud's wire form of parameters: arrays as `Name.0`, objects as `Name.Sub` (so objects in arrays as
 * `Name.0.Sub`), nulls dropped, booleans `true`/`false`, integral numbers without a fraction.
 */
export function flattenUcloudParams(params: Readonly<Record<string, UcloudParamValue>>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) flattenInto(flat, name, value);
  return flat;
}

/** SHA-1 (lower-case hex) of `key1value1key2value2…` over every parameter but `Signature`, keys in byte order, then the private key. */
export function ucloudSignature(params: Readonly<Record<string, UcloudParamValue>>, privateKey: string): string {
  const flat = flattenUcloudParams(params);
  delete flat.Signature;
  const keys = Object.keys(flat).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const hash = createHash('sha1');
  for (const key of keys) hash.update(key + flat[key], 'utf8');
  return hash.update(privateKey, 'utf8').digest('hex');
}

/** The flat parameters to send: the request's own, `PublicKey`, and the `Signature` over both. */
export function signUcloudParams(
  params: Readonly<Record<string, UcloudParamValue>>,
  publicKey: string,
  privateKey: string,
): Record<string, string> {
  const flat = flattenUcloudParams({ ...params, PublicKey: publicKey });
  return { ...flat, Signature: ucloudSignature(flat, privateKey) };
}

function flattenInto(flat: Record<string, string>, name: string, value: UcloudParamValue): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((element: UcloudParamValue, index) => flattenInto(flat, `${name}.${index}`, element));
  } else if (typeof value === 'object') {
    for (const [sub, element] of Object.entries(value)) flattenInto(flat, `${name}.${sub}`, element);
  } else {
    flat[name] = stringifyParam(value as string | number | boolean);
  }
}

function stringifyParam(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // BigInt prints large integral numbers in full where String() would switch to exponent form.
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  return value;
}
