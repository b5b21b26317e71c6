import { randomUUID } from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { flattenUcloudParams, verifyUcloudSignature } from '../auth/ucloud-signature';
import { UcloudImage, buildUcloudCatalog } from '../catalogs/ucloud';
import { FaultSpec } from '../faults';
import { UCLOUD_RETCODE_MESSAGES } from '../fixtures/error-codes';
import { CatalogView, SimContext, VendorSimulator, echoedCredentials, isPlainObject, parseJson, parseNonNegativeInteger, plainNotFound, rawBody, rawQueryOf } from './vendor';

// UCloud Action-style API: parameters in the query (GET), a form or JSON (POST); always HTTP 200, `RetCode` tells.

const ACTION = 'GetUvodnImage';
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const IMAGE_TYPES = ['1', '2', '3'];

function send(reply: FastifyReply, body: Record<string, unknown>): FastifyReply {
  return reply.code(200).header('x-ucloud-request-uuid', randomUUID()).send(body);
}

function fail(reply: FastifyReply, action: string | undefined, retCode: number, message?: string): FastifyReply {
  return send(reply, {
    Action: `${action ?? ''}Response`,
    RetCode: retCode,
    Message: message ?? UCLOUD_RETCODE_MESSAGES[retCode] ?? 'Internal error',
  });
}

/** Query parameters, overlaid by the POST body's (form or JSON), as the strings that are signed. */
export function ucloudParamsOf(request: FastifyRequest): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(new URLSearchParams(rawQueryOf(request)));
  const body = rawBody(request);
  if (body.length === 0) return params;
  const contentType = request.headers['content-type'] ?? '';
  const text = body.toString('utf8');
  const looksLikeJson = contentType.includes('json') || (!contentType.includes('form') && text.trimStart().startsWith('{'));
  if (looksLikeJson) {
    const parsed = parseJson(body);
    return isPlainObject(parsed) ? { ...params, ...flattenUcloudParams(parsed) } : params;
  }
  return { ...params, ...Object.fromEntries(new URLSearchParams(text)) };
}

export function createUcloudSimulator(context: SimContext): VendorSimulator {
  const catalog: UcloudImage[] = buildUcloudCatalog();

  const handle = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const params = ucloudParamsOf(request);
    const action = params['Action'];
    if (action === undefined || action === '') return fail(reply, undefined, 160);
    if (params['Signature'] === undefined || params['Signature'] === '') {
      context.stats.recordAuthFailure('ucloud');
      return fail(reply, action, 170);
    }
    if (params['PublicKey'] !== context.credentials.ucloudPublicKey) {
      context.stats.recordAuthFailure('ucloud');
      return fail(reply, action, 172);
    }
    if (!verifyUcloudSignature(params, context.credentials.ucloudPrivateKey)) {
      context.stats.recordAuthFailure('ucloud');
      return fail(reply, action, 171);
    }
    if (action !== ACTION) return fail(reply, action, 161, `Action [${action}] not exist`);

    const offset = params['Offset'] === undefined ? 0 : parseNonNegativeInteger(params['Offset']);
    if (offset === null) return fail(reply, action, 230, 'Params [Offset] not valid');
    const limit = params['Limit'] === undefined ? DEFAULT_PAGE_SIZE : parseNonNegativeInteger(params['Limit']);
    if (limit === null) return fail(reply, action, 230, 'Params [Limit] not valid');
    const imageType = params['ImageType'];
    if (imageType !== undefined && imageType !== '' && !IMAGE_TYPES.includes(imageType)) return fail(reply, action, 230, 'Params [ImageType] not valid');

    const matching = imageType === undefined || imageType === '' ? catalog : catalog.filter((image) => String(image.ImageType) === imageType);
    return send(reply, {
      Action: `${ACTION}Response`,
      ImageList: matching.slice(offset, offset + Math.min(limit, MAX_PAGE_SIZE)),
      RetCode: 0,
      TotalCount: matching.length,
    });
  };

  return {
    name: 'ucloud',
    operationOf(request) {
      return request.url.startsWith('/?') || request.url === '/' ? (ucloudParamsOf(request)['Action'] || 'unknown') : 'unknown';
    },
    registerRoutes(app: FastifyInstance) {
      app.route({ method: ['GET', 'POST'], url: '/', handler: handle });
    },
    notFound: (_request, reply) => plainNotFound(reply),
    errorAnswer(reply, fault: FaultSpec) {
      const retCode = fault.code === undefined || !Number.isInteger(Number(fault.code)) ? 150 : Number(fault.code);
      const echo = echoedCredentials(reply, fault);
      return fail(reply, ACTION, retCode, echo === undefined ? undefined : `${UCLOUD_RETCODE_MESSAGES[retCode] ?? 'Internal error'}: ${echo}`);
    },
    throttleAnswer: (reply) => fail(reply, ACTION, 153),
    badShapeAnswer(reply) {
      // A double-encoded list: `ImageList` is a string holding JSON.
      return send(reply, { Action: `${ACTION}Response`, ImageList: JSON.stringify(catalog.slice(0, 2)), RetCode: 0, TotalCount: catalog.length });
    },
    catalog(): CatalogView {
      const ids = catalog.map((image) => image.ImageId);
      return { ids, items: [...catalog], lists: { images: ids } };
    },
  };
}
