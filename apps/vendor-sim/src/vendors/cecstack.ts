import { randomUUID } from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CecstackCatalog, CecstackImage, CecstackShare, buildCecstackCatalog } from '../catalogs/cecstack';
import { FaultSpec } from '../faults';
import { resolveCecstackCode } from '../fixtures/error-codes';
import { CatalogView, SimContext, VendorSimulator, distinct, echoedCredentials, parseNonNegativeInteger, pathOf, plainNotFound, plainThrottleAnswer, rawQueryOf } from './vendor';

// CECSTACK IMS: Bearer token and `x-regionid`; errors as HTTP 400 with an `IMG.*` code.

const BASE = '/api/image/v1';
const MAX_PAGE_SIZE = 100;

function fail(reply: FastifyReply, code: string, detail?: string): FastifyReply {
  const resolved = resolveCecstackCode(code);
  return reply
    .code(400)
    .send({ requestId: randomUUID(), code: resolved.code, message: detail === undefined ? resolved.message : `${resolved.message}: ${detail}`, data: null });
}

function succeed(reply: FastifyReply, data: unknown): FastifyReply {
  return reply.code(200).send({ requestId: randomUUID(), code: 'Success', message: '调用成功', data });
}

interface Sortable {
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

export function createCecstackSimulator(context: SimContext): VendorSimulator {
  const catalog: CecstackCatalog = buildCecstackCatalog();

  /** Auth, region and (for lists) paging; `rejected` is the answer already sent. */
  const admit = (request: FastifyRequest, reply: FastifyReply, paged: boolean): { list: ListQuery } | { rejected: FastifyReply } => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match === null || match[1] !== context.credentials.cecstackToken) {
      context.stats.recordAuthFailure('cecstack');
      return { rejected: fail(reply, 'IMG.OperationDenied.AuthFail') };
    }
    if (request.headers['x-regionid'] !== context.credentials.cecstackRegionId) return { rejected: fail(reply, 'IMG.InvalidParameter', 'x-regionid') };
    const query = new URLSearchParams(rawQueryOf(request));
    if (!paged) return { list: { current: 1, size: 0, query } };
    const current = parseNonNegativeInteger(query.get('current'));
    if (current === null || current < 1) return { rejected: fail(reply, 'IMG.InvalidParameter', 'current') };
    const size = parseNonNegativeInteger(query.get('size'));
    if (size === null || size < 1) return { rejected: fail(reply, 'IMG.InvalidParameter', 'size') };
    return { list: { current, size: Math.min(size, MAX_PAGE_SIZE), query } };
  };

  /** `orderBy=field:asc|desc`; null when absent, a string when invalid. */
  const orderOf = (query: URLSearchParams): ((a: Sortable, b: Sortable) => number) | null | string => {
    const orderBy = query.get('orderBy');
    if (orderBy === null || orderBy === '') return null;
    const [field, direction = 'asc'] = orderBy.split(':');
    const key = ORDER_FIELDS[field];
    if (key === undefined || (direction !== 'asc' && direction !== 'desc')) return 'orderBy';
    const sign = direction === 'asc' ? 1 : -1;
    return (a, b) => sign * (key(a) - key(b) || a.id - b.id);
  };

  const page = <T extends Sortable>(reply: FastifyReply, items: readonly T[], list: ListQuery): FastifyReply => {
    const order = orderOf(list.query);
    if (typeof order === 'string') return fail(reply, 'IMG.InvalidParameter', order);
    const ordered = order === null ? items : [...items].sort(order);
    const start = (list.current - 1) * list.size;
    return succeed(reply, { size: list.size, current: list.current, total: ordered.length, list: ordered.slice(start, start + list.size) });
  };

  /** `name:lk:{text}|imageId:eq:{id}`, conditions joined by `|` and all required; a string names the bad part. */
  const privateFilter = (query: URLSearchParams): ((image: CecstackImage) => boolean) | string => {
    const conditions: Array<(image: CecstackImage) => boolean> = [];
    for (const part of (query.get('filter') ?? '').split('|')) {
      if (part === '') continue;
      const [field, operator, ...rest] = part.split(':');
      const value = rest.join(':');
      if (value === '') continue;
      if (field === 'name' && operator === 'lk') conditions.push((image) => image.name.toLowerCase().includes(value.toLowerCase()));
      else if (field === 'imageId' && operator === 'eq') conditions.push((image) => image.imageId === value);
      else return `filter ${part}`;
    }
    return (image) => conditions.every((condition) => condition(image));
  };

  const listPublic = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, true);
    return 'rejected' in admitted ? admitted.rejected : page(reply, catalog.publicImages, admitted.list);
  };

  const listPrivate = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, true);
    if ('rejected' in admitted) return admitted.rejected;
    const filter = privateFilter(admitted.list.query);
    if (typeof filter === 'string') return fail(reply, 'IMG.InvalidParameter', filter);
    return page(reply, catalog.privateImages.filter(filter), admitted.list);
  };

  const listShared = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, true);
    return 'rejected' in admitted ? admitted.rejected : page<CecstackShare>(reply, catalog.sharedImages, admitted.list);
  };

  const getImage = (request: FastifyRequest<{ Params: { imageId: string } }>, reply: FastifyReply) => {
    const admitted = admit(request, reply, false);
    if ('rejected' in admitted) return admitted.rejected;
    const { imageId } = request.params;
    const image =
      catalog.publicImages.find((candidate) => candidate.imageId === imageId) ??
      catalog.privateImages.find((candidate) => candidate.imageId === imageId) ??
      catalog.sharedImages.find((share) => share.imageId === imageId)?.image;
    return image === undefined ? fail(reply, 'IMG.DBGet.NoData') : succeed(reply, image);
  };

  return {
    name: 'cecstack',
    operationOf(request) {
      const path = pathOf(request);
      if (request.method !== 'GET' || !path.startsWith(`${BASE}/`)) return 'unknown';
      const rest = path.slice(BASE.length + 1);
      if (rest === 'images' || rest === 'private-images' || rest === 'shared-images') return `${rest}/list`;
      if (/^images\/[^/]+$/.test(rest)) return 'images/get';
      return 'unknown';
    },
    registerRoutes(app: FastifyInstance) {
      app.get(`${BASE}/images`, listPublic);
      app.get(`${BASE}/images/:imageId`, getImage);
      app.get(`${BASE}/private-images`, listPrivate);
      app.get(`${BASE}/shared-images`, listShared);
    },
    notFound: (_request, reply) => plainNotFound(reply),
    errorAnswer(reply, fault: FaultSpec) {
      return fail(reply, fault.code === undefined ? 'IMG.Internal.Error' : String(fault.code), echoedCredentials(reply, fault));
    },
    throttleAnswer: plainThrottleAnswer,
    badShapeAnswer(reply) {
      // A double-encoded list: `list` is a string holding JSON.
      return succeed(reply, { size: 2, current: 1, total: catalog.publicImages.length, list: JSON.stringify(catalog.publicImages.slice(0, 2)) });
    },
    catalog(): CatalogView {
      const lists = {
        public: catalog.publicImages.map((image) => image.imageId),
        private: catalog.privateImages.map((image) => image.imageId),
        shared: catalog.sharedImages.map((share) => share.imageId),
      };
      return {
        ids: distinct([...lists.public, ...lists.private, ...lists.shared]),
        items: [...catalog.publicImages, ...catalog.privateImages, ...catalog.sharedImages],
        lists,
      };
    },
  };
}
