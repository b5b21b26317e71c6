import type { FastifyInstance } from 'fastify';
import { GatewayError, SecretRedactor, isGatewayError } from '@images/core';
import { Authenticator } from '../callers/authenticator';
import { setCaller } from '../callers/caller';
import type { CallersConfig } from '../config/callers-config';
import { sendProblem } from '../problems/problem.filter';
import { isDocsRoute } from './browser';

/**
 * Swagger UI and the OpenAPI document are served by Fastify routes outside Nest's guards: they need the `ops` scope
 * here, unless DOCS_PUBLIC=true (a browser cannot send a key when it opens a page) or AUTH_DISABLED=true.
 */
export function guardDocs(fastify: FastifyInstance, callers: CallersConfig, authenticator: Authenticator, redactor: SecretRedactor): void {
  if (callers.docsPublic || callers.disabled) return;
  // A callback hook: every other request passes at once, without a promise of its own.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isDocsRoute(request)) return done();
    authenticator.authorize(request.headers, 'ops').then(
      (caller) => {
        setCaller(request, caller);
        done();
      },
      (error: unknown) => sendProblem(reply, request, isGatewayError(error) ? error : new GatewayError('INTERNAL'), redactor),
    );
  });
}
