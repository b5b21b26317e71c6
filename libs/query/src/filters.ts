import { Image, ImageStatus } from '@images/core';

/** One value, or several (any of them matches). */
export type OneOrMore<T> = T | readonly T[];

export interface ImageFilters {
  /** Keep images whose provider is in the list (an empty list keeps none). */
  providers?: string[];
  /** Case-insensitive substring of `name`; images without a name never match. */
  name?: string;
  osType?: OneOrMore<'linux' | 'windows' | 'other'>;
  architecture?: OneOrMore<'x86_64' | 'arm64'>;
  status?: OneOrMore<ImageStatus>;
  visibility?: OneOrMore<'public' | 'private' | 'shared' | 'market'>;
  /** Exact, case-sensitive member of `image.regions` (any of several). */
  region?: OneOrMore<string>;
}

/**
 * The one case fold used for both the name filter and the name sort. Plain `toLowerCase` applies the
 * Unicode default case mapping, which does not depend on the machine's locale (unlike `localeCompare`).
 */
export function foldName(name: string): string {
  return name.toLowerCase();
}

/** Builds the predicate once per query so per-image work is only comparisons. */
export function compileFilters(filters: ImageFilters): (image: Image) => boolean {
  const providers = filters.providers == null ? null : new Set(filters.providers);
  const needle = filters.name ? foldName(filters.name) : null;
  const [osType, architecture, status, visibility, region] = [filters.osType, filters.architecture, filters.status, filters.visibility, filters.region].map(setOf);
  return (image) =>
    (providers === null || providers.has(image.provider)) &&
    (osType === null || osType.has(image.osType)) &&
    (architecture === null || architecture.has(image.architecture)) &&
    (status === null || status.has(image.status)) &&
    (visibility === null || visibility.has(image.visibility)) &&
    (region === null || image.regions.some((name) => region.has(name))) &&
    (needle === null || (image.name !== null && foldName(image.name).includes(needle)));
}

export function matchesFilters(image: Image, filters: ImageFilters): boolean {
  return compileFilters(filters)(image);
}

/**
 * A stable text form of the filters: fixed member order, absent members and the order or duplicates of listed
 * values make no difference, and the name is folded because the filter is case-insensitive anyway.
 */
export function canonicalFilters(filters: ImageFilters): string {
  return JSON.stringify([
    filters.providers == null ? null : [...new Set(filters.providers)].sort(),
    filters.name ? foldName(filters.name) : null,
    canonicalValues(filters.osType),
    canonicalValues(filters.architecture),
    canonicalValues(filters.status),
    canonicalValues(filters.visibility),
    canonicalValues(filters.region),
  ]);
}

function setOf(values: OneOrMore<string | null> | undefined): ReadonlySet<string | null> | null {
  if (values == null) return null;
  return new Set(typeof values === 'string' ? [values] : values);
}

/** One value as itself (as a single-valued filter always was), several sorted without repeats: order is no difference. */
function canonicalValues(values: OneOrMore<string> | undefined): string | string[] | null {
  if (values == null) return null;
  const unique = [...new Set(typeof values === 'string' ? [values] : values)].sort();
  return unique.length === 1 ? unique[0] : unique;
}
