export * from './fake-upstream';
export * from './redis';
export * from './gateway-errors';
export * from './tracing';
