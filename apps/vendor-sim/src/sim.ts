import { AddressInfo, Socket } from 'node:net';
import { FastifyInstance } from 'fastify';
import { createAdminApp } from './admin';
import { FaultBoard } from './faults';
import { StatsBoard } from './stats';
import { SimCredentials, VENDOR_NAMES, VendorName } from './types';
import { createCecstackSimulator } from './vendors/cecstack';
import { createDidiSimulator } from './vendors/didi';
import { createHuaweiSimulator } from './vendors/huawei';
import { createUcloudSimulator } from './vendors/ucloud';
import { SimContext, VendorSimulator, createVendorApp } from './vendors/vendor';

export type { SimCredentials, VendorName } from './types';
export { VENDOR_NAMES } from './types';

/** Fixed and obviously fake: the demo and the e2e tests wire the gateway with these. */
export const DEFAULT_SIM_CREDENTIALS: SimCredentials = Object.freeze({
  didiToken: 'sim-didi-token-5f2c9a7e41b3',
  huaweiAk: 'SIMHUAWEIAK7Q2W9E4R',
  huaweiSk: 'sim-huawei-sk-3b8f1d6a9c2e7',
  huaweiToken: 'sim-huawei-token-8e4a2c6f',
  huaweiProjectId: '0a1b2c3d4e5f40718293a4b5c6d7e8f9',
  ucloudPublicKey: 'sim-ucloud-pub-6d1f8b3a',
  ucloudPrivateKey: 'sim-ucloud-priv-9c4e2a7b5d',
  cecstackToken: 'sim-cecstack-token-2f7b9d4c',
  cecstackRegionId: 'region0',
});

export interface SimOptions {
  /** A loopback address; default '127.0.0.1'. */
  host?: string;
  /** 0 = ephemeral; default all 0. */
  ports?: Partial<Record<VendorName | 'admin', number>>;
  /** Added before every vendor answer (benchmarks use 300). */
  latencyMs?: number;
  credentials?: Partial<SimCredentials>;
  /** Default 'cn-north-4'. */
  huaweiRegion?: string;
  /** Default false. */
  logger?: boolean;
  /** How long vendor work stays in each intermediate state (queued, saving; a job's progress steps). Default 1000. */
  stepMs?: number;
  /** Images of the CECSTACK account's own (private) list, generated deterministically; default 70. For benchmarks at scale. */
  cecstackPrivateImages?: number;
}

export interface RunningSim {
  /** e.g. http://127.0.0.1:41023 (no trailing slash). */
  urls: Record<VendorName | 'admin', string>;
  credentials: SimCredentials;
  /** Closes every listener, hung sockets included. */
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startVendorSim(options: SimOptions = {}): Promise<RunningSim> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`vendor-sim listens on loopback only, not ${host}`);
  const credentials: SimCredentials = { ...DEFAULT_SIM_CREDENTIALS, ...options.credentials };
  const lifetime = new AbortController();
  const context: SimContext = {
    credentials,
    huaweiRegion: options.huaweiRegion ?? 'cn-north-4',
    stats: new StatsBoard(),
    faults: new FaultBoard(),
    latency: { ms: options.latencyMs ?? 0 },
    lifetime: lifetime.signal,
    stepMs: options.stepMs ?? 1000,
    cecstackPrivateImages: options.cecstackPrivateImages,
  };
  const simulators: Record<VendorName, VendorSimulator> = {
    didi: createDidiSimulator(context),
    huawei: createHuaweiSimulator(context),
    ucloud: createUcloudSimulator(context),
    cecstack: createCecstackSimulator(context),
  };
  const sockets = new Set<Socket>();
  const logger = options.logger ?? false;
  const apps: Record<VendorName | 'admin', FastifyInstance> = {
    didi: createVendorApp(simulators.didi, context, { logger, sockets }),
    huawei: createVendorApp(simulators.huawei, context, { logger, sockets }),
    ucloud: createVendorApp(simulators.ucloud, context, { logger, sockets }),
    cecstack: createVendorApp(simulators.cecstack, context, { logger, sockets }),
    admin: createAdminApp(context, simulators, { logger, sockets }),
  };
  const names = ['admin', ...VENDOR_NAMES] as const;

  const close = async (): Promise<void> => {
    lifetime.abort();
    const closing = names.map((name) => apps[name].close());
    for (const socket of sockets) socket.destroy();
    await Promise.all(closing);
  };

  try {
    const urls = {} as Record<VendorName | 'admin', string>;
    for (const name of names) {
      await apps[name].listen({ host, port: options.ports?.[name] ?? 0 });
      urls[name] = urlOf(host, (apps[name].server.address() as AddressInfo).port);
    }
    return { urls, credentials: { ...credentials }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
