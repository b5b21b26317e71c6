import { createHash } from 'node:crypto';
import { Architecture } from './image';

/**
 * Tolerant readers for vendor payloads: vendors send numbers as strings (UCloud), omit fields, or send "".
 * Every mapper uses these so that one vendor quirk is handled in one place.
 */

export function asString(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function asInteger(value: unknown): number | null {
  const n = asNumber(value);
  return n !== null && Number.isInteger(n) ? n : null;
}

export function asBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

export function asStringArray(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(asString).filter((v): v is string => v !== null);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Epoch milliseconds (number or numeric string) to ISO 8601 UTC with milliseconds. */
export function epochMsToIso(value: unknown): string | null {
  const ms = asNumber(value);
  if (ms === null || ms <= 0) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function epochSecondsToIso(value: unknown): string | null {
  const s = asNumber(value);
  return s === null ? null : epochMsToIso(s * 1000);
}

/**
 * An ISO 8601 / RFC 3339 timestamp to UTC with milliseconds. A timestamp with neither `Z` nor an offset
 * is read as UTC (Huawei documents its `created_at` as UTC but may omit the zone).
 */
export function isoToUtc(value: unknown): string | null {
  const text = asString(value);
  if (text === null) return null;
  const trimmed = text.trim().replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed);
  const d = new Date(hasZone ? trimmed : `${trimmed}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A vendor's CPU architecture name (`x86`, `x86_64`, `arm`, `arm64`, `aarch64`, any case); null for any other. */
export function architectureFrom(value: string | null): Architecture | null {
  switch (value?.toLowerCase()) {
    case 'x86':
    case 'x86_64':
      return 'x86_64';
    case 'arm':
    case 'arm64':
    case 'aarch64':
      return 'arm64';
    default:
      return null;
  }
}

/**
 * The word size a vendor writes as `64bit`, `64 bit`, `64-bits` alone (CECSTACK, DiDi)
 * or inside an OS name like `EulerOS 2.5 64bit` (Huawei); null when none is named.
 */
export function bitsFrom(value: string | null): 32 | 64 | null {
  // Word boundaries, so that `x86_64bit` or `164bit` name no word size.
  const match = value?.match(/\b(32|64)\s*-?\s*bits?\b/i);
  return match ? (Number(match[1]) as 32 | 64) : null;
}

export const GIB = 2 ** 30;

/** Drops undefined, null and "" so `extra` only carries what the vendor actually said. */
export function compactRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || value === null || value === '') continue;
    out[key] = value;
  }
  return out;
}

/** A short stable fingerprint (hex SHA-256 prefix) for cache scoping; the inputs cannot be read back from it. */
export function fingerprint(...parts: Array<string | undefined>): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 16);
}

/**
 * `table[key]` for the table's own entries only: vendor codes come from outside, and a code such as
 * `constructor` must not find Object.prototype's members.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string | number | null | undefined): T | undefined {
  if (key === null || key === undefined) return undefined;
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
