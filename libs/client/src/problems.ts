import type { Problem } from './types';

/** An answer that was not a success, thrown by the helpers; `problem` is its problem+json body when it had one. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';

  constructor(readonly status: number, readonly problem: Problem | undefined, readonly response: Response) {
    super(problem ? `${status} ${problem.code}: ${problem.detail ?? problem.title}` : `${response.url} answered ${status}`);
  }

  /** The problem's code (`NOT_FOUND`, `RATE_LIMITED`, …), when the answer was a problem. */
  get code(): Problem['code'] | undefined {
    return this.problem?.code;
  }
}

/** Whether an error body is an RFC 9457 problem of the gateway's (it always is, unless a proxy answered). */
export function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).status === 'number';
}

/** The data of an openapi-fetch call's success, or a ProblemError for any other answer. */
export async function dataOrThrow<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ProblemError(response.status, isProblem(error) ? error : undefined, response);
  return data as T;
}
