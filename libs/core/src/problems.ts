/** The gateway's problem codes (API.md section 6): one table, used by the filter, the docs and /problems/{type}. */
export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid', retryable: false,
    description: 'A query parameter, path segment or body field is missing, unknown or out of range; `errors` names each field. Also used when a vendor rejects a parameter as invalid.' },
  UNAUTHENTICATED: { status: 401, title: 'The caller is not authenticated', retryable: false,
    description: "The caller's gateway credentials are missing or wrong." },
  FORBIDDEN: { status: 403, title: 'The caller or the provider account may not do this', retryable: false,
    description: 'The caller lacks the scope the route needs (`requiredScope` names it), or the vendor account the gateway uses has no permission for this resource or action.' },
  NOT_FOUND: { status: 404, title: 'No such resource', retryable: false,
    description: 'The route does not exist, or the provider has no such image.' },
  CONFLICT: { status: 409, title: "The resource's state forbids the action", retryable: false,
    description: 'The image is in a state that does not allow this action, or an Idempotency-Key was reused with another body.' },
  QUOTA_EXCEEDED: { status: 403, title: 'A provider quota or balance is exhausted', retryable: false,
    description: 'The vendor account has run out of quota or balance for this action.' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large', retryable: false,
    description: 'The request body is over BODY_LIMIT_BYTES; it was refused before being read.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body is not JSON', retryable: false,
    description: 'Request bodies are JSON only (Content-Type: application/json), so an HTML form on another site cannot write.' },
  RATE_LIMITED: { status: 429, title: 'Too many requests', retryable: true,
    description: 'The caller is over its limit, or the vendor throttled the gateway. Retry after the time in Retry-After when present.' },
  UNSUPPORTED_OPERATION: { status: 501, title: 'The provider has no such operation', retryable: false,
    description: 'The provider that owns the image does not offer this operation; GET /providers lists what each supports.' },
  UPSTREAM_AUTH_FAILED: { status: 502, title: "The provider rejected the gateway's credentials", retryable: false,
    description: "The vendor refused the gateway's own credentials (token, key or signature). An operator must fix the configuration." },
  UPSTREAM_ERROR: { status: 502, title: 'The provider failed', retryable: true,
    description: 'The vendor answered with a failure, or with an error code the gateway does not know; the vendor code is kept in `upstream`. Also a list that would be partial under `Prefer: handling=strict`; `sources` says why.' },
  UPSTREAM_BAD_RESPONSE: { status: 502, title: 'The provider answered something its API does not promise', retryable: true,
    description: 'The vendor answer was not JSON, or not of the shape its API documents.' },
  ALL_PROVIDERS_FAILED: { status: 502, title: 'Every selected provider failed', retryable: true,
    description: 'No selected provider could answer and no stale catalog was available; `sources` says why for each.' },
  UPSTREAM_UNAVAILABLE: { status: 503, title: 'The provider is unavailable', retryable: true,
    description: "The vendor is unreachable, says it is unavailable, or the gateway's circuit breaker for it is open." },
  UPSTREAM_TIMEOUT: { status: 504, title: 'The provider did not answer in time', retryable: true,
    description: 'The vendor did not answer within the per-provider time budget (PROVIDER_TIMEOUT_MS).' },
  INTERNAL: { status: 500, title: 'Internal error', retryable: true,
    description: 'A bug in the gateway. The body carries the request id to report; nothing internal is disclosed.' },
} as const satisfies Record<string, { status: number; title: string; retryable: boolean; description: string }>;

export type ProblemCode = keyof typeof PROBLEMS;
export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

/** `UPSTREAM_AUTH_FAILED` -> `upstream-auth-failed` */
export function problemSlug(code: ProblemCode): string {
  return code.toLowerCase().replace(/_/g, '-');
}

export function problemCodeFromSlug(slug: string): ProblemCode | undefined {
  return PROBLEM_CODES.find((code) => problemSlug(code) === slug);
}

export function problemType(code: ProblemCode): string {
  return `/problems/${problemSlug(code)}`;
}
