export * from './upstream-http';
export * from './paging';
