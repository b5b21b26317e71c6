export * from './image';
export * from './problems';
export * from './errors';
export * from './provider';
export * from './config';
export * from './normalize';
export * from './redact';
export * from './operations';
