export * from './fake-upstream';
export * from './redis';
