import { randomBytes } from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyHuaweiSignature } from '../auth/huawei-signature';
import { HuaweiImage, buildHuaweiCatalog } from '../catalogs/huawei';
import { FaultSpec } from '../faults';
import { HUAWEI_ERRORS } from '../fixtures/error-codes';
import { CatalogView, SimContext, VendorSimulator, echoedCredentials, pathOf, rawBody, rawQueryOf } from './vendor';

// Huawei Cloud Workspace ListImages: token or AK/SK auth at the API gateway, then the service's own checks.

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 100;
const LIST_ROUTE = '/v2/:projectId/images';
/**
 * Query filter → the item field it matches exactly; filters combine (AND). `platform` ("镜像系统类型, 如Windows")
 * is the OS type under another name, since ImageInfo has no platform field. `package_type` is accepted and ignored:
 * ImageInfo carries no package series to match it against.
 */
const FILTERS = [
  ['image_type', 'image_type'],
  ['os_type', 'os_type'],
  ['platform', 'os_type'],
  ['architecture', 'architecture'],
  ['image_id', 'id'],
] as const;
/** Statuses fixed by the code whatever the fault asks for. */
const FIXED_ERROR_STATUS: Readonly<Record<string, number>> = {
  'APIGW.0301': 401,
  'APIGW.0303': 401,
  'APIGW.0308': 429,
  'APIGW.0101': 404,
  'WKS.00010099': 403,
  'WKS.0202': 500,
};

function requestId(): string {
  return randomBytes(16).toString('hex');
}

/** API-gateway errors carry `request_id`; the service's own carry `error_detail`. */
function sendError(reply: FastifyReply, code: string, options: { status?: number; message?: string; detail?: string } = {}): FastifyReply {
  const known = HUAWEI_ERRORS[code];
  const status = options.status ?? known?.status ?? 500;
  const message = options.message ?? known?.message ?? 'Internal server error.';
  const id = requestId();
  const body = code.startsWith('APIGW.')
    ? { error_code: code, error_msg: message, request_id: id }
    : { error_code: code, error_msg: message, ...(options.detail === undefined ? {} : { error_detail: options.detail }) };
  return reply.code(status).header('x-request-id', id).send(body);
}

function createdAtMs(image: HuaweiImage): number {
  if (image.created_at === undefined) return Number.NEGATIVE_INFINITY;
  // Values without a zone designator are UTC too.
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(image.created_at) ? image.created_at : `${image.created_at}Z`);
}

function byId(a: HuaweiImage, b: HuaweiImage): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function compareNames(a: HuaweiImage, b: HuaweiImage): number {
  return (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || byId(a, b);
}

function compareCreated(a: HuaweiImage, b: HuaweiImage): number {
  return createdAtMs(a) - createdAtMs(b) || byId(a, b);
}

function parseBoundedInteger(text: string | null, fallback: number, max: number): number | null {
  if (text === null) return fallback;
  if (!/^\d{1,9}$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

export function createHuaweiSimulator(context: SimContext): VendorSimulator {
  const catalog: HuaweiImage[] = buildHuaweiCatalog();

  /** Null when the caller is authenticated, else the answer already sent. */
  const rejectUnauthenticated = (request: FastifyRequest, reply: FastifyReply): FastifyReply | null => {
    const { credentials } = context;
    const token = request.headers['x-auth-token'];
    if (token !== undefined) {
      if (token === credentials.huaweiToken) return null;
      context.stats.recordAuthFailure('huawei');
      return sendError(reply, 'APIGW.0301', { message: 'Incorrect IAM authentication information: decrypt token fail' });
    }
    if (request.headers.authorization === undefined) {
      context.stats.recordAuthFailure('huawei');
      return sendError(reply, 'APIGW.0301', { message: 'Incorrect IAM authentication information: Authorization not found' });
    }
    const verdict = verifyHuaweiSignature(
      { method: request.method, rawUrl: request.raw.url ?? request.url, headers: request.headers, body: rawBody(request) },
      { accessKey: credentials.huaweiAk, secretKey: credentials.huaweiSk },
      Date.now(),
    );
    if (verdict.ok) return null;
    context.stats.recordAuthFailure('huawei');
    if (verdict.reason === 'expired') return sendError(reply, 'APIGW.0303');
    if (verdict.reason === 'unknown-access-key') return sendError(reply, 'APIGW.0301', { message: 'Incorrect IAM authentication information: AK does not exist' });
    return sendError(reply, 'APIGW.0301');
  };

  const listImages = (request: FastifyRequest<{ Params: { projectId: string } }>, reply: FastifyReply): FastifyReply => {
    const rejected = rejectUnauthenticated(request, reply);
    if (rejected !== null) return rejected;
    const headerProject = request.headers['x-project-id'];
    if (request.params.projectId !== context.credentials.huaweiProjectId || (headerProject !== undefined && headerProject !== context.credentials.huaweiProjectId)) {
      return sendError(reply, 'APIGW.0302');
    }

    const query = new URLSearchParams(rawQueryOf(request));
    const offset = parseBoundedInteger(query.get('offset'), 0, Number.MAX_SAFE_INTEGER);
    if (offset === null) return sendError(reply, 'WKS.0001', { detail: 'offset must be a non-negative integer' });
    const limit = parseBoundedInteger(query.get('limit'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    if (limit === null) return sendError(reply, 'WKS.0001', { detail: 'limit must be an integer from 0 to 100' });
    const sortField = query.get('sort_field') ?? 'name';
    if (sortField !== 'name' && sortField !== 'created_at') return sendError(reply, 'WKS.0001', { detail: 'sort_field must be name or created_at' });
    const sortType = query.get('sort_type') ?? 'asc';
    if (sortType !== 'asc' && sortType !== 'desc') return sendError(reply, 'WKS.0001', { detail: 'sort_type must be asc or desc' });

    let images = catalog;
    for (const [parameter, field] of FILTERS) {
      const wanted = query.get(parameter);
      if (wanted !== null && wanted !== '') images = images.filter((image) => image[field] === wanted);
    }
    const compare = sortField === 'name' ? compareNames : compareCreated;
    const sorted = [...images].sort((a, b) => (sortType === 'asc' ? compare(a, b) : compare(b, a)));
    return reply
      .code(200)
      .header('x-request-id', requestId())
      .send({ total_count: sorted.length, images: sorted.slice(offset, offset + limit) });
  };

  return {
    name: 'huawei',
    operationOf(request) {
      return request.method === 'GET' && /^\/v2\/[^/]+\/images$/.test(pathOf(request)) ? 'ListImages' : 'unknown';
    },
    registerRoutes(app: FastifyInstance) {
      app.get(LIST_ROUTE, listImages);
    },
    notFound: (_request, reply) => sendError(reply, 'APIGW.0101'),
    errorAnswer(reply, fault: FaultSpec) {
      const code = fault.code === undefined ? 'WKS.0202' : String(fault.code);
      const status = FIXED_ERROR_STATUS[code] ?? fault.httpStatus ?? HUAWEI_ERRORS[code]?.status ?? 500;
      const echo = echoedCredentials(reply, fault);
      return sendError(reply, code, { status, ...(echo === undefined ? {} : { message: `${HUAWEI_ERRORS[code]?.message ?? 'Internal server error.'} ${echo}` }) });
    },
    throttleAnswer(reply) {
      reply.header('retry-after', '1');
      return sendError(reply, 'APIGW.0308');
    },
    badShapeAnswer(reply) {
      // A double-encoded list: `images` is a string holding JSON.
      return reply
        .code(200)
        .header('x-request-id', requestId())
        .send({ total_count: catalog.length, images: JSON.stringify(catalog.slice(0, 2)) });
    },
    catalog(): CatalogView {
      const ids = [...catalog].sort(compareNames).map((image) => image.id);
      return { ids, items: [...catalog], lists: { images: ids }, region: context.huaweiRegion };
    },
  };
}
