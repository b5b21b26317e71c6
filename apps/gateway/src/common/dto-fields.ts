import { IsInt, IsString, Length, Matches, Max, Min, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';

// Field rules shared by the request bodies: every input is validated before any vendor call (API.md section 7).

/** Letters, digits, Chinese characters, space, `-`, `.`, `_`; 1–128 characters; no space at either end. */
export const IMAGE_NAME = /^(?! )[A-Za-z0-9\p{Script=Han} ._-]{1,128}(?<! )$/u;
const IMAGE_NAME_MESSAGE = 'must be 1–128 letters, digits, Chinese characters, spaces, "-", "." or "_", not starting or ending with a space';
/** Printable text: no control characters. */
export const TEXT = /^[^\p{Cc}]*$/u;
/** Identifiers handed to vendors as they are (regions, snapshots, users, upload ids). */
export const TOKEN = /^[A-Za-z0-9_.:-]+$/;
export const TOKEN_MESSAGE = 'must be letters, digits, "_", ".", ":" or "-"';

export const REQUIRED = { message: '$property is required' };

/**
 * Absent is fine, but a present value is validated, null included (class-validator's IsOptional would wave
 * null through, and a null would then reach the vendor as "clear this field").
 */
export function Optional(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}

export function ImageName(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Matches(IMAGE_NAME, { message: `$property ${IMAGE_NAME_MESSAGE}` })(target, key);
  };
}

export function Description(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(2, 256)(target, key);
    Matches(TEXT, { message: '$property must not contain control characters' })(target, key);
  };
}

export function Text(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, max)(target, key);
    Matches(TEXT, { message: '$property must not contain control characters' })(target, key);
  };
}

export function Token(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, max)(target, key);
    Matches(TOKEN, { message: `$property ${TOKEN_MESSAGE}` })(target, key);
  };
}

export function WholeNumber(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(min)(target, key);
    Max(max)(target, key);
  };
}

/** Why a list of user ids is refused, or null: its size first (an oversized list costs nothing more), then each id, then repeats. */
function userIdsProblem(value: unknown, max: number): string | null {
  if (!Array.isArray(value)) return 'must be an array of user ids';
  if (value.length < 1 || value.length > max) return `must hold 1 to ${max} user ids`;
  if (!value.every((id) => typeof id === 'string' && id.length >= 1 && id.length <= 64 && TOKEN.test(id))) return `must hold user ids of 1–64 characters that ${TOKEN_MESSAGE}`;
  // A Set, not class-validator's ArrayUnique (quadratic).
  return new Set(value).size === value.length ? null : 'must not repeat a user id';
}

/** 1–`max` distinct user ids, checked in one linear pass. */
export function UserIds(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'userIds',
    validator: {
      validate: (value) => userIdsProblem(value, max) === null,
      defaultMessage: (args) => `$property ${userIdsProblem(args?.value, max)}`,
    },
  });
}
