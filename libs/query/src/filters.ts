import { Image, ImageStatus } from '@images/core';

export interface ImageFilters {
  /** Keep images whose provider is in the list (an empty list keeps none). */
  providers?: string[];
  /** Case-insensitive substring of `name`; images without a name never match. */
  name?: string;
  osType?: 'linux' | 'windows' | 'other';
  architecture?: 'x86_64' | 'arm64';
  status?: ImageStatus;
  visibility?: 'public' | 'private' | 'shared' | 'market';
  /** Exact, case-sensitive member of `image.regions`. */
  region?: string;
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
  const { osType, architecture, status, visibility, region } = filters;
  return (image) =>
    (providers === null || providers.has(image.provider)) &&
    (osType == null || image.osType === osType) &&
    (architecture == null || image.architecture === architecture) &&
    (status == null || image.status === status) &&
    (visibility == null || image.visibility === visibility) &&
    (region == null || image.regions.includes(region)) &&
    (needle === null || (image.name !== null && foldName(image.name).includes(needle)));
}

export function matchesFilters(image: Image, filters: ImageFilters): boolean {
  return compileFilters(filters)(image);
}

/**
 * A stable text form of the filters: fixed member order, absent members and provider order or duplicates
 * make no difference, and the name is folded because the filter is case-insensitive anyway.
 */
export function canonicalFilters(filters: ImageFilters): string {
  return JSON.stringify([
    filters.providers == null ? null : [...new Set(filters.providers)].sort(),
    filters.name ? foldName(filters.name) : null,
    filters.osType ?? null,
    filters.architecture ?? null,
    filters.status ?? null,
    filters.visibility ?? null,
    filters.region ?? null,
  ]);
}
