import { GatewayError, isGatewayError } from './errors';
import { PROBLEM_CODES, PROBLEMS, problemCodeFromSlug, problemSlug, problemType } from './problems';

describe('problem codes', () => {
  it('lists every code of the table, in its order', () => {
    expect(PROBLEM_CODES).toEqual(Object.keys(PROBLEMS));
    expect(PROBLEM_CODES).toContain('UPSTREAM_AUTH_FAILED');
    expect(PROBLEM_CODES).toHaveLength(17);
  });

  it('keeps the statuses and retryability of API.md section 6', () => {
    const table = Object.fromEntries(PROBLEM_CODES.map((code) => [code, [PROBLEMS[code].status, PROBLEMS[code].retryable]]));
    expect(table).toEqual({
      VALIDATION_FAILED: [400, false],
      UNAUTHENTICATED: [401, false],
      FORBIDDEN: [403, false],
      NOT_FOUND: [404, false],
      CONFLICT: [409, false],
      QUOTA_EXCEEDED: [403, false],
      PAYLOAD_TOO_LARGE: [413, false],
      UNSUPPORTED_MEDIA_TYPE: [415, false],
      RATE_LIMITED: [429, true],
      UNSUPPORTED_OPERATION: [501, false],
      UPSTREAM_AUTH_FAILED: [502, false],
      UPSTREAM_ERROR: [502, true],
      UPSTREAM_BAD_RESPONSE: [502, true],
      ALL_PROVIDERS_FAILED: [502, true],
      UPSTREAM_UNAVAILABLE: [503, true],
      UPSTREAM_TIMEOUT: [504, true],
      INTERNAL: [500, true],
    });
  });

  it('gives every code a title and a description', () => {
    for (const code of PROBLEM_CODES) {
      expect(PROBLEMS[code].title.length).toBeGreaterThan(5);
      expect(PROBLEMS[code].description.length).toBeGreaterThan(20);
    }
  });

  it('turns a code into a lower-case, dash-separated slug and type, every underscore replaced', () => {
    expect(problemSlug('UPSTREAM_AUTH_FAILED')).toBe('upstream-auth-failed');
    expect(problemSlug('INTERNAL')).toBe('internal');
    expect(problemType('ALL_PROVIDERS_FAILED')).toBe('/problems/all-providers-failed');
  });

  it('finds the code of every slug, and none for an unknown or upper-case slug', () => {
    for (const code of PROBLEM_CODES) expect(problemCodeFromSlug(problemSlug(code))).toBe(code);
    expect(problemCodeFromSlug('no-such-problem')).toBeUndefined();
    expect(problemCodeFromSlug('NOT_FOUND')).toBeUndefined();
    expect(problemCodeFromSlug('')).toBeUndefined();
  });
});

describe('GatewayError', () => {
  it('takes status, title and retryability from the code when given nothing else', () => {
    const error = new GatewayError('NOT_FOUND');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayError');
    expect(error.message).toBe('No such resource');
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.unmappedVendorCode).toBe(false);
    expect(error.cause).toBeUndefined();
    expect('cause' in error).toBe(false);
    expect(error.toProblem()).toEqual({ type: '/problems/not-found', title: 'No such resource', status: 404, code: 'NOT_FOUND', retryable: false });
  });

  it('renders every member it is given, the extensions last and flat', () => {
    const cause = new Error('socket hang up');
    const error = new GatewayError('UPSTREAM_ERROR', {
      detail: 'acme failed',
      provider: 'acme',
      upstream: { status: 500, code: 'E1', message: 'oops', requestId: 'r-1' },
      errors: [{ field: 'name', message: 'is bad' }],
      retryAfterSeconds: 7,
      retryable: false,
      extensions: { sources: [{ provider: 'acme' }] },
      unmappedVendorCode: true,
      cause,
    });
    expect(error.message).toBe('acme failed');
    expect(error.cause).toBe(cause);
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.unmappedVendorCode).toBe(true);
    expect(error.toProblem()).toEqual({
      type: '/problems/upstream-error',
      title: 'The provider failed',
      status: 502,
      detail: 'acme failed',
      code: 'UPSTREAM_ERROR',
      retryable: false,
      provider: 'acme',
      upstream: { status: 500, code: 'E1', message: 'oops', requestId: 'r-1' },
      errors: [{ field: 'name', message: 'is bad' }],
      sources: [{ provider: 'acme' }],
    });
  });

  it('lets retryable be overridden to true and keeps a falsy cause', () => {
    const error = new GatewayError('NOT_FOUND', { retryable: true, cause: 0 });
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(0);
    expect(error.toProblem().retryable).toBe(true);
  });

  it('never renders the unmapped-code flag, the retry delay or the cause', () => {
    const problem = new GatewayError('RATE_LIMITED', { retryAfterSeconds: 3, unmappedVendorCode: true, cause: new Error('x') }).toProblem();
    expect(Object.keys(problem).sort()).toEqual(['code', 'retryable', 'status', 'title', 'type']);
  });

  it('is recognised by isGatewayError, a plain Error is not', () => {
    expect(isGatewayError(new GatewayError('INTERNAL'))).toBe(true);
    expect(isGatewayError(new Error('x'))).toBe(false);
    expect(isGatewayError({ code: 'INTERNAL', status: 500 })).toBe(false);
  });
});
