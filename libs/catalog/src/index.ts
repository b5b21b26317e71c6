export * from './catalog-store';
export * from './circuits';
export * from './coordination';
export * from './engine';
export * from './engine-types';
export * from './fetcher';
export * from './freshness';
export * from './derived';
