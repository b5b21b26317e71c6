export * from './fake-upstream';
export * from './redis';
export * from './gateway-errors';
export * from './tracing';
export * from './webhook-receiver';
