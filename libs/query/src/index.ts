export type { ImageFilters } from './filters';
export { canonicalFilters, matchesFilters } from './filters';
export type { SortKey } from './sort';
export { SORT_KEYS, DEFAULT_SORT, compareImages } from './sort';
export type { PageRequest, PageResult } from './query';
export { queryImages } from './query';
export { InvalidCursorError } from './cursor';
export { CatalogIndex } from './catalog-index';
