export * from './catalog-store';
export * from './engine';
export * from './coordination';
