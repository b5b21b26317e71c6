import { Socket } from 'node:net';
import { FastifyInstance, fastify } from 'fastify';
import { parseFaultSpec } from './faults';
import { VendorName, isVendorName } from './types';
import { SimContext, VendorSimulator } from './vendors/vendor';

/** The control port: faults, stats, catalogs and the global latency. */
export function createAdminApp(context: SimContext, simulators: Record<VendorName, VendorSimulator>, options: { logger: boolean; sockets: Set<Socket> }): FastifyInstance {
  const app = fastify({ logger: options.logger, forceCloseConnections: true });
  app.server.on('connection', (socket: Socket) => {
    options.sockets.add(socket);
    socket.once('close', () => options.sockets.delete(socket));
  });

  const unknownVendor = (vendor: string) => ({ error: `unknown vendor ${vendor}; one of didi, huawei, ucloud, cecstack` });

  app.get('/faults', async () => context.faults.snapshot());

  app.put<{ Params: { vendor: string } }>('/faults/:vendor', async (request, reply) => {
    const { vendor } = request.params;
    if (!isVendorName(vendor)) return reply.code(404).send(unknownVendor(vendor));
    const parsed = parseFaultSpec(request.body);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error });
    return { vendor, fault: context.faults.set(vendor, parsed.fault) };
  });

  app.delete<{ Params: { vendor: string } }>('/faults/:vendor', async (request, reply) => {
    const { vendor } = request.params;
    if (!isVendorName(vendor)) return reply.code(404).send(unknownVendor(vendor));
    context.faults.clear(vendor);
    return reply.code(204).send();
  });

  app.delete('/faults', async (_request, reply) => {
    context.faults.clear();
    return reply.code(204).send();
  });

  app.get('/stats', async () => context.stats.snapshot());

  app.delete('/stats', async (_request, reply) => {
    context.stats.reset();
    return reply.code(204).send();
  });

  app.get<{ Params: { vendor: string } }>('/catalog/:vendor', async (request, reply) => {
    const { vendor } = request.params;
    if (!isVendorName(vendor)) return reply.code(404).send(unknownVendor(vendor));
    return simulators[vendor].catalog();
  });

  app.get('/latency', async () => ({ latencyMs: context.latency.ms }));

  app.put('/latency', async (request, reply) => {
    const body = request.body as { latencyMs?: unknown } | undefined;
    const latencyMs = body?.latencyMs;
    if (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 0) {
      return reply.code(400).send({ error: 'latencyMs must be a non-negative integer' });
    }
    context.latency.ms = latencyMs;
    return { latencyMs };
  });

  return app;
}
