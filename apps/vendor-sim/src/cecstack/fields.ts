import { isPlainObject } from '../vendors/vendor';
import { IMS, Rejection } from './rejection';
import type { ImageTag } from './requests';

// The field reads the body parsers of requests.ts are built from.

// 1–128 characters: letters, digits, Chinese, space, `-`, `.`, `_`; no space first or last.
const NAME = /^[\p{Script=Han}A-Za-z0-9 ._-]+$/u;

export function invalid(field: string): Rejection {
  return new Rejection(IMS.invalidParameter, field);
}

/** Typed reads of one JSON object; each throws IMG.InvalidParameter naming the field. */
export class Fields {
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly prefix = '',
  ) {}

  has(field: string): boolean {
    return this.body[field] !== undefined && this.body[field] !== null;
  }

  string(field: string, options: { optional?: boolean; allowEmpty?: boolean; min?: number; max?: number } = {}): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (options.optional) return undefined;
      throw invalid(this.prefix + field);
    }
    if (typeof value !== 'string') throw invalid(this.prefix + field);
    const length = [...value].length;
    if (length === 0 && !options.allowEmpty) throw invalid(this.prefix + field);
    if (length > 0 && ((options.min !== undefined && length < options.min) || (options.max !== undefined && length > options.max))) throw invalid(this.prefix + field);
    return value;
  }

  required(field: string, options: { allowEmpty?: boolean; min?: number; max?: number } = {}): string {
    return this.string(field, options) as string;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const value = this.required(field);
    if (!(allowed as readonly string[]).includes(value)) throw invalid(this.prefix + field);
    return value as T;
  }

  /** Case-insensitive membership; the value is kept as the caller spelt it. */
  oneOfAnyCase(field: string, allowed: readonly string[]): string {
    const value = this.required(field);
    if (!allowed.includes(value.toLowerCase())) throw invalid(this.prefix + field);
    return value;
  }

  integer(field: string, min: number, options: { acceptString?: boolean } = {}): number {
    const raw = this.body[field];
    const value = options.acceptString && typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(this.prefix + field);
    return value;
  }

  name(field: string): string {
    const value = this.required(field, { max: 128 });
    if (!NAME.test(value) || value.startsWith(' ') || value.endsWith(' ')) throw invalid(this.prefix + field);
    return value;
  }

  /** Description: 2–256 characters when given. */
  description(field: string): string | undefined {
    return this.string(field, { optional: true, allowEmpty: true, min: 2, max: 256 }) || undefined;
  }

  tags(field: string): ImageTag[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw invalid(this.prefix + field);
    return value.map((tag, index) => {
      if (!isPlainObject(tag) || typeof tag['key'] !== 'string' || tag['key'] === '' || typeof tag['value'] !== 'string') throw invalid(`${this.prefix}${field}[${index}]`);
      return { key: tag['key'], value: tag['value'] };
    });
  }
}

export function objectBody(body: unknown): Fields {
  if (!isPlainObject(body)) throw invalid('body');
  return new Fields(body);
}

export function httpUrl(value: string, field: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // not a URL at all: the same answer as a wrong scheme
  }
  throw invalid(field);
}
