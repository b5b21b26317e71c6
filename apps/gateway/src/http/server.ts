import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LimitsConfig } from '../config/callers-config';

/** How often Node checks for requests over their timeout (its default, 30 s, would let a slow body outlive its limit by as much). */
const TIMEOUT_CHECK_MS = 1000;

/**
 * The HTTP server under Fastify: a request whose headers and body have not all arrived within REQUEST_TIMEOUT_MS is
 * closed (a slow sender cannot hold a socket), and at most MAX_CONNECTIONS sockets are open at once.
 */
export function gatewayServerFactory(limits: LimitsConfig) {
  return (handler: (request: IncomingMessage, response: ServerResponse) => void): Server => {
    const server = createServer(
      {
        requestTimeout: limits.requestTimeoutMs,
        headersTimeout: Math.min(limits.requestTimeoutMs, 60_000),
        connectionsCheckingInterval: TIMEOUT_CHECK_MS,
      },
      handler,
    );
    server.maxConnections = limits.maxConnections;
    // Fastify's default (Node's is 5 s): longer than the idle timeout of common load balancers (60 s), so they never
    // reuse a socket the gateway has just closed. Fastify sets it only on servers it makes itself.
    server.keepAliveTimeout = 72_000;
    return server;
  };
}
