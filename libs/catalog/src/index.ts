export * from './catalog-store';
export * from './engine';
