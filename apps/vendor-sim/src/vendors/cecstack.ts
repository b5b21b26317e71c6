import { randomUUID } from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CecstackImage, CecstackShare } from '../catalogs/cecstack';
import { GeneratedImageStream, imagePattern, parseRange } from '../cecstack/download';
import { IMS, Outcome, Rejection } from '../cecstack/rejection';
import {
  parseCopyShared,
  parseCreateImage,
  parseExport,
  parseImportImage,
  parseShareUsers,
  parseUpdateImage,
  parseUploadDone,
  parseUploadPrepare,
} from '../cecstack/requests';
import { CecstackState, OWN_IDS } from '../cecstack/state';
import { FaultSpec } from '../faults';
import { resolveCecstackCode } from '../fixtures/error-codes';
import {
  CatalogView,
  SimContext,
  VendorSimulator,
  distinct,
  echoedCredentials,
  parseJson,
  parseNonNegativeInteger,
  pathOf,
  plainNotFound,
  plainThrottleAnswer,
  rawBody,
  rawQueryOf,
} from './vendor';

// CECSTACK IMS: Bearer token and `x-regionid`; errors as HTTP 400 with an `IMG.*` code. The write calls and
// their state live in ../cecstack/: request parsing (requests.ts), the account's state (state.ts), the file
// download (download.ts).

const BASE = '/api/image/v1';
const MAX_PAGE_SIZE = 100;
/** The share list (1.14) documents no paging parameters, yet its example pages: these are the example's. */
const DEFAULT_SHARE_PAGE = { current: 1, size: 10 };

function fail(reply: FastifyReply, code: string, detail?: string): FastifyReply {
  const resolved = resolveCecstackCode(code);
  return reply
    .code(400)
    .send({ requestId: randomUUID(), code: resolved.code, message: detail === undefined ? resolved.message : `${resolved.message}: ${detail}`, data: null });
}

/** The doc's success envelope; delete (1.12) and upload-done (1.9) answer without `data`, marked by `NO_DATA`. */
const NO_DATA = Symbol('no data');

function succeed(reply: FastifyReply, data: unknown): FastifyReply {
  const envelope: Record<string, unknown> = { requestId: randomUUID(), code: 'Success', message: '调用成功' };
  if (data !== NO_DATA) envelope['data'] = data;
  return reply.code(200).send(envelope);
}

function answer<T>(reply: FastifyReply, outcome: Outcome<T>, data: (value: T) => unknown = (value) => value): FastifyReply {
  return outcome instanceof Rejection ? fail(reply, outcome.code, outcome.detail) : succeed(reply, data(outcome));
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
/** `required`: the list calls of the doc; `optional`: defaults when absent, refused when malformed; `none`: not read. */
type Paging = 'required' | 'optional' | 'none';

type ImageRequest = FastifyRequest<{ Params: { imageId: string } }>;
type ShareRequest = FastifyRequest<{ Params: { shareId: string } }>;

/** Operation names for the stats, by method and path below the base (`:id` standing for an id segment). */
const OPERATIONS: ReadonlyArray<[method: string, path: RegExp, operation: string]> = [
  ['GET', /^images$/, 'images/list'],
  ['GET', /^images\/[^/]+$/, 'images/get'],
  ['GET', /^private-images$/, 'private-images/list'],
  ['POST', /^private-images$/, 'private-images/create'],
  ['POST', /^private-images\/import$/, 'private-images/import'],
  ['PUT', /^private-images\/[^/]+$/, 'private-images/update'],
  ['DELETE', /^private-images\/[^/]+$/, 'private-images/delete'],
  ['POST', /^private-images\/[^/]+\/upload-prepare$/, 'private-images/upload-prepare'],
  ['POST', /^private-images\/[^/]+\/upload-done$/, 'private-images/upload-done'],
  ['GET', /^private-images\/[^/]+\/file$/, 'private-images/download'],
  ['GET', /^private-images\/[^/]+\/share$/, 'private-images/share/list'],
  ['POST', /^private-images\/[^/]+\/share$/, 'private-images/share'],
  ['POST', /^private-images\/[^/]+\/unshare$/, 'private-images/unshare'],
  ['GET', /^private-images\/[^/]+\/oss-bucket-list$/, 'private-images/oss-bucket-list'],
  ['POST', /^custom-images\/[^/]+\/export$/, 'custom-images/export'],
  ['GET', /^shared-images$/, 'shared-images/list'],
  ['DELETE', /^shared-images\/[^/]+$/, 'shared-images/delete'],
  ['POST', /^shared-images\/[^/]+\/copy$/, 'shared-images/copy'],
];

export function createCecstackSimulator(context: SimContext): VendorSimulator {
  const state = new CecstackState({ stepMs: context.stepMs, regionId: context.credentials.cecstackRegionId });
  const catalog = state.catalog;

  /** Auth, region and paging; `rejected` is the answer already sent. Also brings timed work up to date. */
  const admit = (request: FastifyRequest, reply: FastifyReply, paging: Paging): { list: ListQuery } | { rejected: FastifyReply } => {
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

  // ---- reads

  const listPublic = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'required');
    return 'rejected' in admitted ? admitted.rejected : page(reply, catalog.publicImages, admitted.list);
  };

  const listPrivate = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'required');
    if ('rejected' in admitted) return admitted.rejected;
    const filter = privateFilter(admitted.list.query);
    if (typeof filter === 'string') return fail(reply, 'IMG.InvalidParameter', filter);
    return page(reply, catalog.privateImages.filter(filter), admitted.list);
  };

  const listShared = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'required');
    return 'rejected' in admitted ? admitted.rejected : page<CecstackShare>(reply, catalog.sharedImages, admitted.list);
  };

  const getImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const image = state.detail(request.params.imageId);
    return image === undefined ? fail(reply, IMS.noData) : succeed(reply, image);
  };

  // ---- writes: each admits, parses its body (IMG.InvalidParameter), then asks the state

  const body = (request: FastifyRequest): unknown => parseJson(rawBody(request));

  const createImage = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseCreateImage(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.createImage(input));
  };

  const importImage = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseImportImage(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.importImage(input));
  };

  const updateImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseUpdateImage(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.updateImage(request.params.imageId, input));
  };

  const deleteImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    return answer(reply, state.images.deleteImage(request.params.imageId), () => NO_DATA);
  };

  const prepareUpload = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseUploadPrepare(body(request));
    return answer(reply, input instanceof Rejection ? input : state.files.prepareUpload(request.params.imageId, input.size));
  };

  const completeUpload = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseUploadDone(body(request));
    return answer(reply, input instanceof Rejection ? input : state.files.completeUpload(request.params.imageId, input), () => NO_DATA);
  };

  /** The file, streamed: `Range: bytes=…` gets 206 with Content-Range, an unsatisfiable one 416. */
  const download = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const image = state.files.downloadable(request.params.imageId);
    if (image instanceof Rejection) return fail(reply, image.code, image.detail);
    const size = image.size;
    const range = parseRange(request.headers.range, size);
    reply
      .header('accept-ranges', 'bytes')
      .header('content-disposition', `attachment; filename="${image.imageId}.${image.diskFormat}"`);
    if (range === 'unsatisfiable') {
      return reply
        .code(416)
        .header('content-range', `bytes */${size}`)
        .send({ requestId: randomUUID(), code: IMS.invalidParameter, message: `${resolveCecstackCode(IMS.invalidParameter).message}: Range`, data: null });
    }
    const start = range === null ? 0 : range.start;
    const end = range === null ? size - 1 : range.end;
    if (range !== null) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
    else reply.code(200);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(end - start + 1))
      .send(new GeneratedImageStream(imagePattern(image.imageId), start, end + 1));
  };

  const listShares = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'optional');
    if ('rejected' in admitted) return admitted.rejected;
    const grants = state.shares.grantsOf(request.params.imageId);
    return grants instanceof Rejection ? fail(reply, grants.code, grants.detail) : page(reply, grants, admitted.list);
  };

  const share = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const userIds = parseShareUsers(body(request), OWN_IDS);
    return answer(reply, userIds instanceof Rejection ? userIds : state.shares.share(request.params.imageId, userIds));
  };

  const unshare = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const userIds = parseShareUsers(body(request), OWN_IDS);
    return answer(reply, userIds instanceof Rejection ? userIds : state.shares.unshare(request.params.imageId, userIds));
  };

  const listBuckets = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    return answer(reply, state.exports.bucketsFor(request.params.imageId));
  };

  const exportImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const bucket = parseExport(body(request));
    return answer(reply, bucket instanceof Rejection ? bucket : state.exports.exportImage(request.params.imageId, bucket));
  };

  const deleteShared = (request: ShareRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    return answer(reply, state.images.deleteShared(request.params.shareId));
  };

  /** The copy answer (1.21) adds fields the lists do not carry. */
  const copyShared = (request: ShareRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseCopyShared(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.copyShared(request.params.shareId, input), (image) => ({
      ...image,
      shared: false,
      capacityPercentage: '',
      volumeImages: null,
      errMessage: '',
      departmentName: '',
      resourceGroupName: '',
    }));
  };

  return {
    name: 'cecstack',
    operationOf(request) {
      const path = pathOf(request);
      if (!path.startsWith(`${BASE}/`)) return 'unknown';
      const rest = path.slice(BASE.length + 1);
      const found = OPERATIONS.find(([method, pattern]) => method === request.method && pattern.test(rest));
      return found === undefined ? 'unknown' : found[2];
    },
    registerRoutes(app: FastifyInstance) {
      app.get(`${BASE}/images`, listPublic);
      app.get(`${BASE}/images/:imageId`, getImage);
      app.get(`${BASE}/private-images`, listPrivate);
      app.post(`${BASE}/private-images`, createImage);
      app.post(`${BASE}/private-images/import`, importImage);
      app.put(`${BASE}/private-images/:imageId`, updateImage);
      app.delete(`${BASE}/private-images/:imageId`, deleteImage);
      app.post(`${BASE}/private-images/:imageId/upload-prepare`, prepareUpload);
      app.post(`${BASE}/private-images/:imageId/upload-done`, completeUpload);
      app.get(`${BASE}/private-images/:imageId/file`, download);
      app.get(`${BASE}/private-images/:imageId/share`, listShares);
      app.post(`${BASE}/private-images/:imageId/share`, share);
      app.post(`${BASE}/private-images/:imageId/unshare`, unshare);
      app.get(`${BASE}/private-images/:imageId/oss-bucket-list`, listBuckets);
      app.post(`${BASE}/custom-images/:imageId/export`, exportImage);
      app.get(`${BASE}/shared-images`, listShared);
      app.delete(`${BASE}/shared-images/:shareId`, deleteShared);
      app.post(`${BASE}/shared-images/:shareId/copy`, copyShared);
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
      state.settle();
      const lists = {
        public: catalog.publicImages.map((image) => image.imageId),
        private: catalog.privateImages.map((image) => image.imageId),
        shared: catalog.sharedImages.map((share) => share.imageId),
      };
      // Beyond the common view: our images' shares (image id → user ids) and the exports made so far.
      const view = {
        ids: distinct([...lists.public, ...lists.private, ...lists.shared]),
        items: [...catalog.publicImages, ...catalog.privateImages, ...catalog.sharedImages],
        lists,
        shares: state.shares.shareTable(),
        exports: state.exports.records(),
      };
      return view;
    },
  };
}
