import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GatewayError, PROBLEMS, problemCodeFromSlug, problemType } from '@images/core';
import { PublicRoute } from '../callers/scopes';

/** The human description behind each problem `type` URI. */
@ApiTags('problems')
@PublicRoute()
@Controller('problems')
export class ProblemsController {
  @Get()
  @ApiOperation({ summary: 'Every problem type the gateway answers with' })
  all() {
    return { problems: Object.keys(PROBLEMS).map((code) => describe(code as keyof typeof PROBLEMS)) };
  }

  @Get(':type')
  @ApiOperation({ summary: 'What one problem type means' })
  @ApiOkResponse({ description: 'JSON, or a short HTML page for browsers' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  one(@Param('type') type: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const code = problemCodeFromSlug(type);
    if (!code) throw new GatewayError('NOT_FOUND', { detail: `there is no problem type ${type}` });
    const description = describe(code);
    if (accept && /text\/html/.test(accept) && !/application\/json/.test(accept)) {
      reply.header('Content-Type', 'text/html; charset=utf-8');
      return `<!doctype html><title>${description.title}</title><h1>${description.title}</h1><p>HTTP ${description.status}, code <code>${code}</code>.</p><p>${escapeHtml(description.description)}</p>`;
    }
    return description;
  }
}

function describe(code: keyof typeof PROBLEMS) {
  const { status, title, description, retryable } = PROBLEMS[code];
  return { type: problemType(code), code, status, title, description, retryable };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
