import { ArgumentsHost, BadRequestException, NotFoundException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, SecretRedactor } from '@images/core';
import { LOGGER } from '../config/config.module';
import { ProblemFilter } from './problem.filter';

/** What the filter sent: status, headers and body. */
function capturedReply() {
  const sent = { status: 0, headers: {} as Record<string, string>, body: '' };
  const reply = {
    status(code: number) { sent.status = code; return reply; },
    header(name: string, value: string) { sent.headers[name.toLowerCase()] = value; return reply; },
    send(body: string) { sent.body = body; return reply; },
  };
  return { sent, reply: reply as unknown as FastifyReply };
}

function hostFor(request: Partial<FastifyRequest>, reply: FastifyReply): ArgumentsHost {
  return { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
}

describe('ProblemFilter', () => {
  const errors: unknown[] = [];
  let filter: ProblemFilter;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [ProblemFilter, { provide: SecretRedactor, useValue: new SecretRedactor(['sk-secret-value']) }, { provide: LOGGER, useValue: null }],
    })
      .overrideProvider(LOGGER)
      .useValue({ error: (obj: unknown) => void errors.push(obj) })
      .compile();
    filter = moduleRef.get(ProblemFilter);
  });

  function render(exception: unknown) {
    const { sent, reply } = capturedReply();
    filter.catch(exception, hostFor({ id: 'req-7', url: '/images?x=1' }, reply));
    return { ...sent, problem: JSON.parse(sent.body) };
  }

  it('renders a gateway error as problem+json with the instance (no query), request id and Retry-After', () => {
    const { status, headers, problem } = render(new GatewayError('RATE_LIMITED', { provider: 'p', detail: 'slow down sk-secret-value', retryAfterSeconds: 7 }));
    expect(status).toBe(429);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(headers['retry-after']).toBe('7');
    expect(problem).toMatchObject({ type: '/problems/rate-limited', code: 'RATE_LIMITED', status: 429, instance: '/images', requestId: 'req-7', provider: 'p', detail: 'slow down [REDACTED]' });
  });

  it('tells an unauthenticated caller how to authenticate', () => {
    const { status, headers } = render(new GatewayError('UNAUTHENTICATED'));
    expect(status).toBe(401);
    expect(headers['www-authenticate']).toBe('Bearer realm="images-gateway"');
    expect(render(new GatewayError('FORBIDDEN')).headers['www-authenticate']).toBeUndefined();
  });

  it("maps the framework's exceptions onto the problem codes", () => {
    expect(render(new NotFoundException('Cannot GET /nope')).problem).toMatchObject({ code: 'NOT_FOUND', status: 404, detail: 'Cannot GET /nope' });
    expect(render(new BadRequestException(['a is bad', 'b is bad'])).problem).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'a is bad; b is bad' });
  });

  it('answers anything unexpected with INTERNAL, logging it and disclosing nothing', () => {
    const { status, problem } = render(new TypeError('cannot read secret of undefined'));
    expect(status).toBe(500);
    expect(problem).toMatchObject({ code: 'INTERNAL', detail: 'An unexpected error occurred; report the request id.', requestId: 'req-7' });
    expect(JSON.stringify(problem)).not.toContain('cannot read');
    expect(errors).toEqual([expect.objectContaining({ reqId: 'req-7', err: expect.objectContaining({ message: 'cannot read secret of undefined' }) })]);
  });
});
