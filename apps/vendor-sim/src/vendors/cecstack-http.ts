import { randomUUID } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Outcome, Rejection } from '../cecstack/rejection';
import { CecstackState } from '../cecstack/state';
import { resolveCecstackCode } from '../fixtures/error-codes';
import { SimContext, parseJson, parseNonNegativeInteger, rawBody, rawQueryOf } from './vendor';

// What every CECSTACK route handler shares: the answer envelopes, admission (token, region, paging) and paged lists.

const MAX_PAGE_SIZE = 100;
/** The share list (1.14) documents no paging parameters, yet its example pages: these are the example's. */
const DEFAULT_SHARE_PAGE = { current: 1, size: 10 };

export function fail(reply: FastifyReply, code: string, detail?: string): FastifyReply {
  const resolved = resolveCecstackCode(code);
  return reply
    .code(400)
    .send({ requestId: randomUUID(), code: resolved.code, message: detail === undefined ? resolved.message : `${resolved.message}: ${detail}`, data: null });
}

/** The doc's success envelope; delete (1.12) and upload-done (1.9) answer without `data`, marked by `NO_DATA`. */
export const NO_DATA = Symbol('no data');

export function succeed(reply: FastifyReply, data: unknown): FastifyReply {
  const envelope: Record<string, unknown> = { requestId: randomUUID(), code: 'Success', message: '调用成功' };
  if (data !== NO_DATA) envelope['data'] = data;
  return reply.code(200).send(envelope);
}

export function answer<T>(reply: FastifyReply, outcome: Outcome<T>, data: (value: T) => unknown = (value) => value): FastifyReply {
  return outcome instanceof Rejection ? fail(reply, outcome.code, outcome.detail) : succeed(reply, data(outcome));
}

export interface Sortable {
  id: number;
  createdAt: string;
  updatedAt: string;
}

const ORDER_FIELDS: Record<string, (item: Sortable) => number> = {
  createdAt: (item) => Date.parse(item.createdAt),
  updatedAt: (item) => Date.parse(item.updatedAt),
  id: (item) => item.id,
};

type ListQuery = { current: number; size: number; query: URLSearchParams };
/** `required`: the list calls of the doc; `optional`: defaults when absent, refused when malformed; `none`: not read. */
type Paging = 'required' | 'optional' | 'none';

export type ImageRequest = FastifyRequest<{ Params: { imageId: string } }>;
export type ShareRequest = FastifyRequest<{ Params: { shareId: string } }>;

/** Auth, region and paging; `rejected` is the answer already sent. Also brings timed work up to date. */
export type Admit = (request: FastifyRequest, reply: FastifyReply, paging: Paging) => { list: ListQuery } | { rejected: FastifyReply };

/** What each family of route handlers is built from. */
export interface CecstackHandlerContext {
  state: CecstackState;
  admit: Admit;
}

export function createAdmit(context: SimContext, state: CecstackState): Admit {
  return (request, reply, paging) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match === null || match[1] !== context.credentials.cecstackToken) {
      context.stats.recordAuthFailure('cecstack');
      return { rejected: fail(reply, 'IMG.OperationDenied.AuthFail') };
    }
    if (request.headers['x-regionid'] !== context.credentials.cecstackRegionId) return { rejected: fail(reply, 'IMG.InvalidParameter', 'x-regionid') };
    state.settle();
    const query = new URLSearchParams(rawQueryOf(request));
    if (paging === 'none') return { list: { current: 1, size: 0, query } };
    const defaults = paging === 'optional' ? DEFAULT_SHARE_PAGE : null;
    const current = query.has('current') || defaults === null ? parseNonNegativeInteger(query.get('current')) : defaults.current;
    if (current === null || current < 1) return { rejected: fail(reply, 'IMG.InvalidParameter', 'current') };
    const size = query.has('size') || defaults === null ? parseNonNegativeInteger(query.get('size')) : defaults.size;
    if (size === null || size < 1) return { rejected: fail(reply, 'IMG.InvalidParameter', 'size') };
    return { list: { current, size: Math.min(size, MAX_PAGE_SIZE), query } };
  };
}

/** `orderBy=field:asc|desc`; null when absent, a string when invalid. */
function orderOf(query: URLSearchParams): ((a: Sortable, b: Sortable) => number) | null | string {
  const orderBy = query.get('orderBy');
  if (orderBy === null || orderBy === '') return null;
  const [field, direction = 'asc'] = orderBy.split(':');
  const key = ORDER_FIELDS[field];
  if (key === undefined || (direction !== 'asc' && direction !== 'desc')) return 'orderBy';
  const sign = direction === 'asc' ? 1 : -1;
  return (a, b) => sign * (key(a) - key(b) || a.id - b.id);
}

export function page<T extends Sortable>(reply: FastifyReply, items: readonly T[], list: ListQuery): FastifyReply {
  const order = orderOf(list.query);
  if (typeof order === 'string') return fail(reply, 'IMG.InvalidParameter', order);
  const ordered = order === null ? items : [...items].sort(order);
  const start = (list.current - 1) * list.size;
  return succeed(reply, { size: list.size, current: list.current, total: ordered.length, list: ordered.slice(start, start + list.size) });
}

/** The JSON body of a write call. */
export const body = (request: FastifyRequest): unknown => parseJson(rawBody(request));
