import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GatewayError, PROBLEMS, problemCodeFromSlug, problemType } from '@images/core';
import { PublicRoute } from '../callers/scopes';
import { PROBLEM_PAGE_CSP, ProblemDescription, problemIndexPage, problemPage, wantsHtml } from './problem-pages';
import { ProblemTypeDto, ProblemTypeListDto } from './problem-types.dto';

/** JSON by default, an HTML page for a browser (Accept: text/html). */
const jsonOrPage = (dto: Function) => ({ 'application/json': { schema: { $ref: getSchemaPath(dto) } }, 'text/html': { schema: { type: 'string' } } });

/** The human description behind each problem `type` URI. */
@ApiTags('problems')
@ApiExtraModels(ProblemTypeDto, ProblemTypeListDto)
@PublicRoute()
@Controller('problems')
export class ProblemsController {
  @Get()
  @ApiOperation({ summary: 'Every problem type the gateway answers with' })
  @ApiOkResponse({ description: 'JSON, or an HTML index for browsers (Accept: text/html)', content: jsonOrPage(ProblemTypeListDto) })
  all(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const problems = Object.keys(PROBLEMS).map((code) => describe(code as keyof typeof PROBLEMS));
    return negotiate(reply, accept, { problems }, () => problemIndexPage(problems));
  }

  @Get(':type')
  @ApiOperation({ summary: 'What one problem type means' })
  @ApiOkResponse({ description: 'JSON, or a short HTML page for browsers (Accept: text/html)', content: jsonOrPage(ProblemTypeDto) })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  one(@Param('type') type: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const code = problemCodeFromSlug(type);
    if (!code) throw new GatewayError('NOT_FOUND', { detail: `there is no problem type ${type}` });
    const description = describe(code);
    return negotiate(reply, accept, description, () => problemPage(description));
  }
}

/** The same entry as JSON or, for a browser, as a page; `Vary: Accept` either way, so caches keep both apart. */
function negotiate<T>(reply: FastifyReply, accept: string | undefined, json: T, html: () => string): T | string {
  reply.header('Vary', 'Accept');
  if (!wantsHtml(accept)) return json;
  reply.header('Content-Type', 'text/html; charset=utf-8').header('Content-Security-Policy', PROBLEM_PAGE_CSP);
  return html();
}

function describe(code: keyof typeof PROBLEMS): ProblemDescription {
  const { status, title, description, retryable } = PROBLEMS[code];
  return { type: problemType(code), code, status, title, description, retryable };
}
