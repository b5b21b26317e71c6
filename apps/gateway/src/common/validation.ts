import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { FieldError, GatewayError } from '@images/core';

/**
 * Every DTO is validated the same way: unknown fields rejected, each failure named by field.
 * Keys are checked against the DTO before class-transformer runs, because it silently drops
 * `__proto__`, `constructor` and friends, which would otherwise slip past the whitelist.
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      // One message per field: a missing name is "required", not also "not a string" and "too short".
      stopAtFirstError: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  /** Valid queries already transformed, per DTO: a repeated query (polling, a 304 revalidation) skips class-validator. */
  private readonly validQueries = new WeakMap<Function, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') refuseLongLists(value, 'body');
    if ((metadata.type === 'query' || metadata.type === 'body') && metadata.metatype && isPlainObject(value)) {
      const known = knownProperties(metadata.metatype);
      const unknown = Object.keys(value).filter((key) => !known.has(key));
      if (unknown.length > 0) throw validationFailed(unknown.map((field) => ({ field, message: 'is not a known parameter' })));
    }
    if (metadata.type !== 'query' || !metadata.metatype || !isPlainObject(value)) return super.transform(value, metadata);
    return this.transformQuery(value, metadata, metadata.metatype);
  }

  /** The same raw values always give the same DTO (or the same refusal): the transformed one is kept, frozen. */
  private async transformQuery(value: Record<string, unknown>, metadata: ArgumentMetadata, metatype: Function): Promise<unknown> {
    const key = JSON.stringify(value);
    let remembered = this.validQueries.get(metatype);
    const hit = remembered?.get(key);
    if (hit) return hit;
    const valid = await super.transform(value, metadata);
    if (key.length > MAX_REMEMBERED_QUERY_CHARS || !isPlainObject(valid)) return valid;
    if (!remembered) this.validQueries.set(metatype, (remembered = new Map()));
    // Oldest first out: a caller cycling through endless queries cannot grow this.
    if (remembered.size >= MAX_REMEMBERED_QUERIES) remembered.delete(remembered.keys().next().value as string);
    remembered.set(key, deepFreeze(valid));
    return valid;
  }
}

const MAX_REMEMBERED_QUERIES = 256;
const MAX_REMEMBERED_QUERY_CHARS = 2048;

function deepFreeze<T extends object>(value: T): T {
  for (const item of Object.values(value)) if (typeof item === 'object' && item !== null) deepFreeze(item);
  return Object.freeze(value);
}

/** No list in a body of the API holds more than 50 items: far longer lists are refused before class-transformer copies them item by item. */
export const MAX_LIST_ITEMS = 1000;

function refuseLongLists(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST_ITEMS) throw validationFailed([{ field: path, message: `holds ${value.length} items; no list of this API takes more than ${MAX_LIST_ITEMS}` }]);
    for (const item of value) refuseLongLists(item, path);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) refuseLongLists(item, path === 'body' ? key : `${path}.${key}`);
  }
}

const knownPropertiesCache = new WeakMap<Function, Set<string>>();

function knownProperties(metatype: Function): Set<string> {
  let known = knownPropertiesCache.get(metatype);
  if (!known) {
    known = new Set(getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).map((m) => m.propertyName));
    knownPropertiesCache.set(metatype, known);
  }
  return known;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A problem lists this many field errors at most: a body with thousands of bad keys gets a short answer. */
export const MAX_LISTED_ERRORS = 20;

export function validationFailed(errors: FieldError[]): GatewayError {
  const listed = errors.slice(0, MAX_LISTED_ERRORS);
  const more = errors.length - listed.length;
  return new GatewayError('VALIDATION_FAILED', {
    detail: listed.map((e) => (e.message.startsWith(e.field) ? e.message : `${e.field} ${e.message}`)).join('; ') + (more > 0 ? `; and ${more} more` : ''),
    errors: listed,
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message: rule === 'whitelistValidation' ? 'is not a known parameter' : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
