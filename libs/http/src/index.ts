export * from './upstream-http';
export * from './errors';
export * from './paging';
export * from './retry';
