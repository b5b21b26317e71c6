// A typed client of the images gateway: openapi-fetch over types generated from docs/openapi.json
// (`npm run openapi:json`), with the loops every caller would otherwise write by hand.
export type { paths, components, operations } from './schema';
export * from './types';
export { createImagesClient, type ImagesClient, type ImagesClientOptions } from './client';
export { ProblemError, dataOrThrow, isProblem } from './problems';
export { listPages, walkImages, type ImageWalkQuery } from './pages';
export { waitForOperation, OperationTimeoutError, type WaitOptions } from './operations';
export { retryingFetch, retryAfterMs, type RetryPolicy, type FetchFunction } from './retry';
export { subscribeEvents, parseSseFrame, type CatalogEvent, type CatalogEventType, type EventsQuery, type SubscribeOptions } from './events';
