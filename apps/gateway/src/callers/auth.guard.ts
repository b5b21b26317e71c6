import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { SCOPES, Scope } from '../config/callers-config';
import { GatewayConfig } from '../config/gateway-config';
import { Authenticator } from './authenticator';
import { Caller, setCaller } from './caller';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './scopes';

/** With AUTH_DISABLED nobody is checked: every caller is anonymous with every scope. */
const ANONYMOUS: Caller = { name: 'anonymous', scopes: new Set(SCOPES), via: 'anonymous' };

/**
 * Every route needs a known caller with the route's scope, but for the public ones (probes, problem pages). A route
 * that declares neither needs `ops`: a route added without thought is closed, not open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.config.callers.disabled) {
      setCaller(request, ANONYMOUS);
      return true;
    }
    const required = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? 'ops';
    setCaller(request, await this.authenticator.authorize(request.headers, required));
    return true;
  }
}
