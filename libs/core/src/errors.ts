import { PROBLEMS, ProblemCode, problemType } from './problems';

/** What a vendor said, kept for the caller (never credentials). */
export interface UpstreamInfo {
  status?: number;
  code?: string;
  message?: string;
  requestId?: string;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface GatewayErrorInit {
  detail?: string;
  provider?: string;
  upstream?: UpstreamInfo;
  errors?: FieldError[];
  /** Seconds, for the Retry-After header. */
  retryAfterSeconds?: number;
  /** Overrides the code's default. */
  retryable?: boolean;
  /** Extra members rendered into the problem body (e.g. `sources`). */
  extensions?: Record<string, unknown>;
  /** Set by a translator when the vendor's code is not in its table (counted in metrics, never rendered). */
  unmappedVendorCode?: boolean;
  cause?: unknown;
}

/** The one error class of the gateway; the global filter renders it as problem+json. */
export class GatewayError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail?: string;
  readonly provider?: string;
  readonly upstream?: UpstreamInfo;
  readonly errors?: FieldError[];
  readonly retryAfterSeconds?: number;
  readonly retryable: boolean;
  readonly extensions?: Record<string, unknown>;
  readonly unmappedVendorCode: boolean;

  constructor(code: ProblemCode, init: GatewayErrorInit = {}) {
    super(init.detail ?? PROBLEMS[code].title, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = 'GatewayError';
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.detail = init.detail;
    this.provider = init.provider;
    this.upstream = init.upstream;
    this.errors = init.errors;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.retryable = init.retryable ?? PROBLEMS[code].retryable;
    this.extensions = init.extensions;
    this.unmappedVendorCode = init.unmappedVendorCode ?? false;
  }

  /** The problem body without the request-specific members (`instance`, `requestId`). */
  toProblem(): Record<string, unknown> {
    const def = PROBLEMS[this.code];
    return {
      type: problemType(this.code),
      title: def.title,
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      code: this.code,
      retryable: this.retryable,
      ...(this.provider !== undefined ? { provider: this.provider } : {}),
      ...(this.upstream !== undefined ? { upstream: this.upstream } : {}),
      ...(this.errors !== undefined ? { errors: this.errors } : {}),
      ...(this.extensions ?? {}),
    };
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
