import { Image } from '@images/core';
import { foldName } from './filters';

export type SortKey = 'createdAt' | '-createdAt' | 'name' | '-name' | 'sizeBytes' | '-sizeBytes';
export const SORT_KEYS: readonly SortKey[] = ['createdAt', '-createdAt', 'name', '-name', 'sizeBytes', '-sizeBytes'];
export const DEFAULT_SORT: SortKey = '-createdAt';

export type SortField = 'createdAt' | 'name' | 'sizeBytes';

/** A position in the sort order: an image's precomputed keys, or the position a cursor points at. */
export interface SortPosition {
  /** The exact value the cursor carries: the UTC ISO createdAt, bytes, or the exact name. */
  readonly value: number | string | null;
  /** What is compared first: `value`, except the folded name for name sorts. */
  readonly primary: number | string | null;
  readonly id: string;
}

export interface SortedImage extends SortPosition {
  readonly image: Image;
}

export interface SortSpec {
  readonly field: SortField;
  /** Orders positions: the key in the sort's direction, nulls last, then the exact name (name sorts), then id ascending. */
  readonly compare: (a: SortPosition, b: SortPosition) => number;
  readonly valueOf: (image: Image) => number | string | null;
  readonly primaryOf: (value: number | string | null) => number | string | null;
}

const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The normalisers write `YYYY-MM-DDTHH:mm:ss.sssZ`, whose string order is time order, so those are compared
 * as strings (parsing 10k dates per request costs more than the rest of the query). Any other form is brought
 * to it; what does not parse, or lies outside years 0000-9999, counts as unknown.
 */
function createdAtValue(image: Image): string | null {
  const at = image.createdAt;
  if (at === null) return null;
  if (at.length === 24 && at[4] === '-' && at[10] === 'T' && at[23] === 'Z') return at;
  const epochMs = Date.parse(at);
  if (!Number.isFinite(epochMs)) return null;
  const canonical = new Date(epochMs).toISOString();
  return canonical.length === 24 ? canonical : null;
}

function sizeBytesValue(image: Image): number | null {
  return Number.isFinite(image.sizeBytes) ? image.sizeBytes : null;
}

function nameValue(image: Image): string | null {
  return image.name;
}

const identity = (value: number | string | null) => value;
const foldNullable = (value: number | string | null) => (typeof value === 'string' ? foldName(value) : value);

function positionComparator(field: SortField, descending: boolean): (a: SortPosition, b: SortPosition) => number {
  const direction = descending ? -1 : 1;
  const breakTiesByExactName = field === 'name';
  return (a, b) => {
    if (a.primary !== b.primary) {
      if (a.primary === null) return 1;
      if (b.primary === null) return -1;
      return (a.primary < b.primary ? -1 : 1) * direction;
    }
    if (breakTiesByExactName && a.value !== b.value && a.value !== null && b.value !== null) {
      return (a.value < b.value ? -1 : 1) * direction;
    }
    return codeUnitOrder(a.id, b.id);
  };
}

function buildSpec(sort: SortKey): SortSpec {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as SortField;
  const valueOf = field === 'createdAt' ? createdAtValue : field === 'sizeBytes' ? sizeBytesValue : nameValue;
  return {
    field,
    compare: positionComparator(field, descending),
    valueOf,
    primaryOf: field === 'name' ? foldNullable : identity,
  };
}

const SPECS = new Map<string, SortSpec>(SORT_KEYS.map((sort) => [sort, buildSpec(sort)]));

export function sortSpec(sort: SortKey): SortSpec {
  const spec = SPECS.get(sort);
  if (spec === undefined) throw new RangeError(`unknown sort ${JSON.stringify(sort)}`);
  return spec;
}

/** Computes an image's keys once so comparisons allocate nothing. */
export function toSortedImage(spec: SortSpec, image: Image): SortedImage {
  const value = spec.valueOf(image);
  return { image, value, primary: spec.primaryOf(value), id: image.id };
}

/**
 * For ad-hoc sorting of a few images; it recomputes keys on every comparison, so `queryImages`
 * precomputes them instead.
 */
export function compareImages(sort: SortKey): (a: Image, b: Image) => number {
  const spec = sortSpec(sort);
  return (a, b) => spec.compare(toSortedImage(spec, a), toSortedImage(spec, b));
}
