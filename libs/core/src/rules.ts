import type { FieldError } from './errors';
import type { OperationName } from './operations';

/** The writes whose body fields a vendor constrains. */
export type RuledWrite = 'create' | 'update' | 'copy';

export interface WriteFieldRule {
  /** The body fields the vendor's call has a place for; any other is refused, never dropped. */
  accepted: readonly string[];
  /** The fields the call cannot do without. */
  required: readonly string[];
}

/** What a vendor takes, declared with the vendor and checked by the gateway before any vendor call. */
export interface ProviderRules {
  /** A write without an entry takes every field of the gateway's body and requires none beyond it. */
  writes?: Readonly<Partial<Record<RuledWrite, WriteFieldRule>>>;
  limits?: {
    /** User ids one share call takes. */
    shareUsers?: number;
  };
  /** What an operation does at this vendor, where it is not obvious (the API document lists these per provider). */
  notes?: Readonly<Partial<Record<OperationName, string>>>;
}

/** The operations whose body fields ProviderRules constrain. */
export const RULED_WRITES: Readonly<Partial<Record<OperationName, RuledWrite>>> = { createImage: 'create', updateImage: 'update', copyImage: 'copy' };

/** One line for the API document: the vendor's note, and the fields it takes and requires for this operation. */
export function describeRules(rules: ProviderRules, operation: OperationName): string {
  const write = RULED_WRITES[operation];
  const rule = write ? rules.writes?.[write] : undefined;
  return [
    rules.notes?.[operation],
    rule ? `takes ${rule.accepted.join(', ')}` : undefined,
    rule && rule.required.length > 0 ? `requires ${rule.required.join(', ')}` : undefined,
  ].filter((part) => part !== undefined).join('; ');
}

/**
 * Every body field the provider does not take for this write, and every one it needs and misses; empty when the body
 * can be sent. Undefined fields count as absent; `ignore` are routing fields (the body's `provider`).
 */
export function writeFieldErrors(rules: ProviderRules, write: RuledWrite, providerId: string, body: object, ignore: readonly string[] = []): FieldError[] {
  const rule = rules.writes?.[write];
  if (!rule) return [];
  const sent = Object.keys(body).filter((key) => (body as Record<string, unknown>)[key] !== undefined && !ignore.includes(key));
  return [
    ...sent.filter((key) => !rule.accepted.includes(key)).map((field) => ({ field, message: `is not taken by ${providerId} for ${write}` })),
    ...rule.required.filter((key) => !sent.includes(key)).map((field) => ({ field, message: `is required by ${providerId} for ${write}` })),
  ];
}

/** Too many user ids for one share call of this provider; empty when within its limit (or it declares none). */
export function shareUsersErrors(rules: ProviderRules, providerId: string, userIds: readonly string[]): FieldError[] {
  const most = rules.limits?.shareUsers;
  return most !== undefined && userIds.length > most ? [{ field: 'userIds', message: `must hold at most ${most} user ids for ${providerId}` }] : [];
}
