import type { paths } from './schema';

// Named by route, not by schema: the document's schema names may change when it is regenerated, its routes do not.

/** `GET /images` query: filters, sort, limit (and cursor, which the page walkers set). */
export type ImageListQuery = NonNullable<paths['/images']['get']['parameters']['query']>;
/** One page of `GET /images`: items, page (with nextCursor), sources, complete. */
export type ImageList = paths['/images']['get']['responses'][200]['content']['application/json'];
export type Image = ImageList['items'][number];
/** A vendor job: `GET /operations/{id}`. */
export type Operation = paths['/operations/{id}']['get']['responses'][200]['content']['application/json'];
export type OperationStatus = Operation['status'];
/** An RFC 9457 problem, as every error answer carries it (application/problem+json). */
export type Problem = paths['/images/{id}']['get']['responses'][404]['content']['application/problem+json'];
export type ProblemCode = Problem['code'];
