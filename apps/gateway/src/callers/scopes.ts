import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { Scope } from '../config/callers-config';

export const REQUIRED_SCOPE = 'requiredScope';
export const PUBLIC_ROUTE = 'publicRoute';
export const STREAM_TICKET_ROUTE = 'streamTicketRoute';

/** The OpenAPI security schemes a caller may use (declared in docs/openapi.ts). */
export const SECURITY_SCHEMES = { bearer: 'bearer', apiKey: 'apiKey' } as const;

/**
 * The scope a route needs (API.md section 8), on a controller or a method (the method's wins). The API document says
 * it too: both security schemes, and the scope in `x-required-scope`.
 */
export function RequiresScope(scope: Scope): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    ApiSecurity(SECURITY_SCHEMES.bearer),
    ApiSecurity(SECURITY_SCHEMES.apiKey),
    ApiExtension('x-required-scope', scope),
  );
}

/** A route any caller may reach, known or not: probes and problem pages. It is not rate-limited either. */
export function PublicRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiSecurity({}));
}

/**
 * A route a stream ticket (`?ticket=`, from `POST /events/tickets`) may open when no key or token is sent: the one a
 * browser's `EventSource` reaches, which cannot send headers. Nowhere else is a credential taken from a URL.
 */
export function AcceptsStreamTicket(): MethodDecorator & ClassDecorator {
  return SetMetadata(STREAM_TICKET_ROUTE, true);
}
