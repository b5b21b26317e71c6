import { VENDOR_NAMES, VendorName } from './types';

export const FAULT_KINDS = ['latency', 'error', 'throttle', 'hang', 'garbage', 'badshape', 'reset', 'status'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests it applies to; absent: until cleared. */
  count?: number;
  latencyMs?: number;
  code?: string | number;
  httpStatus?: number;
  /** Only requests whose path and query, or body, contain this text (DiDi and UCloud page in the body). */
  pathContains?: string;
  /** With `error`: the vendor's message repeats the credentials the request carried, as careless gateways do. */
  echoCredentials?: boolean;
}

export interface ActiveFault extends FaultSpec {
  /** Uses left; null: until cleared. */
  remaining: number | null;
}

export type FaultParseResult = { ok: true; fault: FaultSpec } | { ok: false; error: string };

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Validates an admin `PUT /faults/{vendor}` body. */
export function parseFaultSpec(body: unknown): FaultParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: 'body must be a JSON object' };
  const input = body as Record<string, unknown>;
  const kind = input['kind'];
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) return { ok: false, error: `kind must be one of ${FAULT_KINDS.join(', ')}` };
  const fault: FaultSpec = { kind: kind as FaultKind };
  const { count, latencyMs, code, httpStatus, pathContains } = input;
  if (count !== undefined) {
    if (!isNonNegativeInteger(count) || count < 1) return { ok: false, error: 'count must be a positive integer' };
    fault.count = count;
  }
  if (latencyMs !== undefined) {
    if (!isNonNegativeInteger(latencyMs)) return { ok: false, error: 'latencyMs must be a non-negative integer' };
    fault.latencyMs = latencyMs;
  }
  if (kind === 'latency' && fault.latencyMs === undefined) return { ok: false, error: 'kind latency needs latencyMs' };
  if (code !== undefined) {
    if (typeof code !== 'string' && typeof code !== 'number') return { ok: false, error: 'code must be a string or a number' };
    fault.code = code;
  }
  if (httpStatus !== undefined) {
    if (!isNonNegativeInteger(httpStatus) || httpStatus < 200 || httpStatus > 599) return { ok: false, error: 'httpStatus must be an integer from 200 to 599' };
    fault.httpStatus = httpStatus;
  }
  if (input['echoCredentials'] !== undefined) {
    if (typeof input['echoCredentials'] !== 'boolean') return { ok: false, error: 'echoCredentials must be a boolean' };
    fault.echoCredentials = input['echoCredentials'];
  }
  if (pathContains !== undefined) {
    if (typeof pathContains !== 'string') return { ok: false, error: 'pathContains must be a string' };
    fault.pathContains = pathContains;
  }
  return { ok: true, fault };
}

/** One fault per vendor at most; setting one replaces the previous. */
export class FaultBoard {
  private readonly faults = new Map<VendorName, ActiveFault>();

  set(vendor: VendorName, fault: FaultSpec): ActiveFault {
    const active: ActiveFault = { ...fault, remaining: fault.count ?? null };
    this.faults.set(vendor, active);
    return { ...active };
  }

  clear(vendor?: VendorName): void {
    if (vendor === undefined) this.faults.clear();
    else this.faults.delete(vendor);
  }

  snapshot(): Record<VendorName, ActiveFault | null> {
    return Object.fromEntries(VENDOR_NAMES.map((vendor) => [vendor, this.faults.has(vendor) ? { ...this.faults.get(vendor) } : null])) as Record<
      VendorName,
      ActiveFault | null
    >;
  }

  /** Consumes one use of the vendor's fault when the request matches it. */
  take(vendor: VendorName, request: { pathAndQuery: string; body: string }): FaultSpec | null {
    const fault = this.faults.get(vendor);
    if (fault === undefined) return null;
    const wanted = fault.pathContains;
    if (wanted !== undefined && !request.pathAndQuery.includes(wanted) && !request.body.includes(wanted)) return null;
    if (fault.remaining !== null) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults.delete(vendor);
    }
    const { remaining: _remaining, ...spec } = fault;
    return spec;
  }
}
