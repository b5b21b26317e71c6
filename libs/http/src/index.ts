export * from './upstream-http';
export * from './upstream-types';
export * from './axios-config';
export * from './wire';
export * from './errors';
export * from './paging';
export * from './retry';
export * from './vendor-module';
