import { INestApplication, applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiResponse, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OperationName, PROBLEMS, ProblemCode, describeRules } from '@images/core';
import { SECURITY_SCHEMES } from '../callers/scopes';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.interceptor';
import { ListFailedDto, ProblemDto } from '../images/dto/image.dto';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem.filter';
import { ProviderDirectory } from '../providers/provider-directory';

/** Documents the problems a route may answer, grouped by status: `@ApiProblems('NOT_FOUND', 'CONFLICT')`. */
export function ApiProblems(...codes: ProblemCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) byStatus.set(PROBLEMS[code].status, [...(byStatus.get(PROBLEMS[code].status) ?? []), code]);
  return applyDecorators(...[...byStatus].map(([status, group]) => ApiResponse({ status, type: ProblemDto, description: group.join(', ') })));
}

const PROVIDER_OPERATION = 'x-provider-operation';

/** Marks a route as a provider operation: the document then says, per enabled provider, what it does there and takes. */
export function ApiProviderOperation(operation: OperationName): MethodDecorator & ClassDecorator {
  return ApiExtension(PROVIDER_OPERATION, operation);
}

/** The `{id}` of every per-image route. */
export const IMAGE_ID_PARAM = { name: 'id', description: '{provider}:{providerImageId}', example: 'acme:img-kvvfk28fcjc0mt' };

/** What any call that reaches a vendor may answer besides its own outcome. */
export const UPSTREAM_PROBLEMS: ProblemCode[] = ['FORBIDDEN', 'QUOTA_EXCEEDED', 'RATE_LIMITED', 'UPSTREAM_AUTH_FAILED', 'UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'];

/** The OpenAPI document served at /docs-json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('images-gateway')
      .setDescription('One REST API over the VM-image catalogs of several clouds. Errors are RFC 9457 problem+json; see /problems/{type}.')
      .setVersion('1')
      // Relative: wherever the document is served from, the API is at the same origin.
      .addServer('/', 'This gateway')
      // Both carry the same credentials: an API key, or (bearer only) a JWT. Each route's scope is in x-required-scope.
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key, or a JWT from the configured issuer' }, SECURITY_SCHEMES.bearer)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An API key' }, SECURITY_SCHEMES.apiKey)
      .build(),
  );
  // package.json's licence: none is granted (a licence without a URL, which DocumentBuilder cannot say).
  document.info.license = { name: 'UNLICENSED (proprietary)' };
  const directory = app.get(ProviderDirectory);
  return withProviderIds(withProviderNotes(withIdempotencyHeader(withProblemContent(withCallerAnswers(document))), directory), directory.ids);
}

/** What a write's success carries (common/answer.ts, the idempotency interceptor), by method and status. */
function writeHeaders(method: string, status: string): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  // A 202 whose vendor gave neither an image nor a job has nothing to point at.
  if (status === '201' || status === '202') headers.Location = { description: 'The image (201, or 202 without a vendor job), or the operation to poll (202)', required: status === '201', schema: { type: 'string' } };
  if (method === 'post' && /^2/.test(status)) headers['Idempotent-Replayed'] = { description: 'true on an answer replayed for a repeated Idempotency-Key', schema: { type: 'string', enum: ['true'] } };
  if (status === '206') headers['Content-Range'] = { description: 'Which bytes of the file this is (RFC 9110)', required: true, schema: { type: 'string' } };
  return headers;
}

const REQUEST_ID_HEADER = { description: "The caller's X-Request-Id when it sent a sane one, else a new one; also in the access log", required: true, schema: { type: 'string' } };
const RETRY_AFTER_HEADER = { description: 'Seconds to wait before trying again, where known', schema: { type: 'integer' } };

/**
 * What every route may answer besides its own: a route that needs a caller may be 401, 403 and 429 (section 8); every
 * answer carries X-Request-Id, and 429 and 503 carry Retry-After where known.
 */
function withCallerAnswers(document: OpenAPIObject): OpenAPIObject {
  const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${ProblemDto.name}` } } } });
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as (Record<string, unknown> & { responses?: Record<string, { description?: string; content?: unknown; headers?: Record<string, unknown> }> }) | undefined;
      if (!operation?.responses) continue;
      const responses = operation.responses;
      // A public route (probes, problem pages) lists the empty security requirement.
      const isPublic = (operation.security as object[] | undefined)?.some((requirement) => Object.keys(requirement).length === 0) ?? false;
      // Fastify reads a body on these methods whatever the route: JSON only, up to BODY_LIMIT_BYTES (http/json-body.ts).
      if (BODY_METHODS.has(method)) {
        responses['400'] ??= problem('VALIDATION_FAILED: the body is not JSON, or nests too deep');
        responses['413'] ??= problem('PAYLOAD_TOO_LARGE: the body is over BODY_LIMIT_BYTES');
        responses['415'] ??= problem('UNSUPPORTED_MEDIA_TYPE: a body that is not application/json');
      }
      if (operation['x-required-scope'] !== undefined && !isPublic) {
        responses['401'] ??= problem('UNAUTHENTICATED: no credentials, or unknown ones');
        responses['403'] ??= problem("FORBIDDEN: the caller lacks the route's scope");
        responses['429'] ??= problem("RATE_LIMITED: the caller is over its limit");
      }
      for (const [status, response] of Object.entries(responses)) {
        if ('$ref' in response) continue;
        response.headers = { 'X-Request-Id': REQUEST_ID_HEADER, ...(status === '429' || status === '503' ? { 'Retry-After': RETRY_AFTER_HEADER } : {}), ...writeHeaders(method, status), ...response.headers };
      }
    }
  }
  return document;
}

/** Where a schema names a provider, the document lists this deployment's provider ids. */
const PROVIDER_FIELDS: Array<[schema: string, property: string]> = [
  ['ImageDto', 'provider'], ['SourceDto', 'provider'], ['SourceErrorDto', 'provider'], ['ProblemDto', 'provider'], ['ListFailedDto', 'provider'],
  ['OperationDto', 'provider'], ['ProviderStateDto', 'id'],
];

function withProviderIds(document: OpenAPIObject, ids: readonly string[]): OpenAPIObject {
  for (const [schema, property] of PROVIDER_FIELDS) {
    const field = (document.components?.schemas?.[schema] as { properties?: Record<string, { enum?: string[]; example?: string }> } | undefined)?.properties?.[property];
    if (!field) continue;
    field.enum = [...ids];
    // An example outside the enum would mislead (and fails the lint): this deployment's first provider instead.
    if ('example' in field) (field as { example?: string }).example = ids[0];
  }
  return document;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const BODY_METHODS = new Set<string>(['put', 'post', 'delete', 'patch']);

/**
 * Every error the gateway answers is `application/problem+json` (the ProblemFilter): error responses documented
 * with the Problem schema, or with no body at all, are documented under that media type. The health probes'
 * 503 is their report, not a problem, and is left alone.
 */
export function withProblemContent(document: OpenAPIObject): OpenAPIObject {
  const problemRef = { $ref: `#/components/schemas/${ProblemDto.name}` };
  const problemRefs = new Set([ProblemDto, ListFailedDto].map((dto) => `#/components/schemas/${dto.name}`));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const responses = item[method]?.responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status) || !response || '$ref' in response) continue;
        const schemas = Object.values(response.content ?? {}).map((media) => (media.schema as { $ref?: string } | undefined)?.$ref);
        const problem = schemas.find((ref) => ref !== undefined && problemRefs.has(ref));
        const bodiless = schemas.length === 0;
        // Whatever media types the route produces on success, its errors are problems only.
        if (problem || (bodiless && !path.startsWith('/health'))) response.content = { [PROBLEM_CONTENT_TYPE]: { schema: problem ? { $ref: problem } : problemRef } };
      }
    }
  }
  return document;
}

/** Every POST takes an Idempotency-Key (the interceptor applies to all of them). */
function withIdempotencyHeader(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    const post = item.post;
    if (!post) continue;
    const parameters = post.parameters ?? [];
    if (!parameters.some((p) => 'name' in p && p.name.toLowerCase() === 'idempotency-key')) parameters.push(IDEMPOTENCY_HEADER_DOC);
    post.parameters = parameters;
  }
  return document;
}

/** Each provider operation's description lists the enabled providers that have it, with what they declare (ProviderRules). */
function withProviderNotes(document: OpenAPIObject, directory: ProviderDirectory): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as (Record<string, unknown> & { description?: string }) | undefined;
      const name = operation?.[PROVIDER_OPERATION] as OperationName | undefined;
      if (!operation || !name) continue;
      delete operation[PROVIDER_OPERATION];
      const lines = directory.all
        .filter((provider) => typeof provider[name] === 'function')
        .map((provider) => {
          const notes = describeRules(directory.rulesOf(provider.id), name);
          return `- \`${provider.id}\`${notes ? `: ${notes}` : ''}`;
        });
      const providers = lines.length > 0 ? `Providers:\n${lines.join('\n')}` : 'No enabled provider has this operation: 501 UNSUPPORTED_OPERATION.';
      operation.description = [operation.description, providers].filter(Boolean).join('\n\n');
    }
  }
  return document;
}
