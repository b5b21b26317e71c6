import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { eventually } from './suite-setup';

// Real Redis Clusters and Sentinel sets, each node a redis-server of the test's own in a temp dir, keeping nothing on
// disk, on fixed ports given by the spec file (a cluster's bus port is its port + 10000).

const run = promisify(execFile);
const NODE_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

interface NodeProcess {
  port: number;
  child: ChildProcess;
}

function startNode(port: number, dir: string, args: string[]): NodeProcess {
  const child = spawn('redis-server', [...args, '--port', String(port), ...NODE_ARGS, '--dir', dir], { stdio: 'ignore' });
  return { port, child };
}

async function killNode(node: NodeProcess): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const gone = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGKILL');
  await gone;
}

/** One command to one node (a fresh connection, no retries): its answer, or null while it cannot answer. */
async function call(port: number, command: string[], password?: string): Promise<unknown> {
  const client = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command[0], ...command.slice(1));
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** A command to one node, as text (null while it cannot answer), with the nodes' password. */
function asker(password?: string) {
  return async (port: number, ...command: string[]): Promise<string | null> => {
    const answer = await call(port, command, password);
    return answer === null ? null : String(answer);
  };
}

/** The nodes' password (`requirepass`, and `masterauth` for their replicas), when the test wants one. */
const authArgs = (password?: string) => (password ? ['--requirepass', password, '--masterauth', password] : []);

/** Polls `check` until it holds (the topology's own pace: a start, a sync, a failover). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await eventually(check, Boolean, timeoutMs).catch(() => {
    throw new Error(`timed out waiting for ${what}`);
  });
}

export interface RedisCluster {
  /** `host:port` of every node, as REDIS_CLUSTER_NODES takes them. */
  seeds: string;
  /** The ports of the nodes that are masters now. */
  masterPorts(): Promise<number[]>;
  /** The port of the master that holds `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILL of one node: a lost machine. */
  kill(port: number): Promise<void>;
  /** Resolves once the replica of the killed master has taken over its slots and the cluster is whole again. */
  failedOver(killedPort: number): Promise<void>;
  stop(): Promise<void>;
}

/** Three masters, each with one replica (ports `basePort` … `basePort + 5`), node timeout 1 s so a failover is quick. */
export async function startRedisCluster(basePort: number, { password }: { password?: string } = {}): Promise<RedisCluster> {
  const ask = asker(password);
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const ports = Array.from({ length: 6 }, (_, i) => basePort + i);
  const nodes = ports.map((port) => startNode(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000', ...authArgs(password)]));
  const stop = async () => {
    await Promise.all(nodes.map(killNode));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await until(`redis-server on ${port}`, async () => (await ask(port, 'PING')) === 'PONG', 10_000);
    await run('redis-cli', [...(password ? ['-a', password, '--no-auth-warning'] : []), '--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes']);
    await until('a whole cluster', async () => {
      const infos = await Promise.all(ports.map((port) => ask(port, 'CLUSTER', 'INFO')));
      return infos.every((info) => info?.includes('cluster_state:ok') && info.includes('cluster_known_nodes:6'));
    });
    // Every replica in sync, so any master may be lost.
    await until('replicas in sync', async () => {
      const roles = await Promise.all(ports.map((port) => ask(port, 'INFO', 'replication')));
      return roles.filter((info) => info?.includes('role:slave') && info.includes('master_link_status:up')).length === 3;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const masterPorts = async () => {
    const alive = nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
    const roles = await Promise.all(alive.map(async (node) => ({ port: node.port, info: await ask(node.port, 'INFO', 'replication') })));
    return roles.filter((node) => node.info?.includes('role:master')).map((node) => node.port);
  };
  return {
    seeds: ports.map((port) => `127.0.0.1:${port}`).join(','),
    masterPorts,
    async masterOf(key) {
      const [port] = await masterPorts();
      const slot = Number(await ask(port, 'CLUSTER', 'KEYSLOT', key));
      // CLUSTER NODES: `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot ranges…>`, one node a line.
      for (const line of (await ask(port, 'CLUSTER', 'NODES'))!.split('\n')) {
        const [, address, flags, , , , , , ...ranges] = line.split(' ');
        if (!flags?.includes('master') || flags.includes('fail')) continue;
        const owns = ranges.some((range) => {
          const [from, to = from] = range.split('-').map(Number);
          return slot >= from && slot <= to;
        });
        if (owns) return Number(address.split('@')[0].split(':')[1]);
      }
      throw new Error(`no master holds the slot of ${key}`);
    },
    kill: (port) => killNode(nodes.find((node) => node.port === port)!),
    async failedOver(killedPort) {
      await until('the failover', async () => {
        const masters = await masterPorts();
        if (masters.length !== 3 || masters.includes(killedPort)) return false;
        const infos = await Promise.all(masters.map((port) => ask(port, 'CLUSTER', 'INFO')));
        return infos.every((info) => info?.includes('cluster_state:ok'));
      });
    },
    stop,
  };
}

export interface RedisSentinelSet {
  masterName: string;
  /** `host:port` of the sentinel, as REDIS_SENTINELS takes it. */
  sentinels: string;
  masterPort(): Promise<number | null>;
  kill(port: number): Promise<void>;
  /** Resolves once the sentinel names another master than `killedPort`, and that node answers as a master. */
  failedOver(killedPort: number): Promise<number>;
  stop(): Promise<void>;
}

/** A master (`basePort`), its replica (`+1`) and one sentinel (`+2`, quorum 1, down after 1 s). */
export async function startRedisSentinelSet(basePort: number, { password, masterName = 'images' }: { password?: string; masterName?: string } = {}): Promise<RedisSentinelSet> {
  const ask = asker(password);
  const dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
  const [masterPort, replicaPort, sentinelPort] = [basePort, basePort + 1, basePort + 2];
  const sentinelConfig = join(dir, 'sentinel.conf');
  // The sentinel rewrites its config file as it learns: it must be its own, writable.
  writeFileSync(sentinelConfig, [
    `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
    `sentinel down-after-milliseconds ${masterName} 1000`,
    `sentinel failover-timeout ${masterName} 5000`,
    ...(password ? [`sentinel auth-pass ${masterName} ${password}`] : []),
    '',
  ].join('\n'));
  const nodes = [
    startNode(masterPort, dir, authArgs(password)),
    startNode(replicaPort, dir, ['--replicaof', '127.0.0.1', String(masterPort), ...authArgs(password)]),
    startNode(sentinelPort, dir, [sentinelConfig, '--sentinel']),
  ];
  const stop = async () => {
    await Promise.all(nodes.map(killNode));
    rmSync(dir, { recursive: true, force: true });
  };
  const named = async () => {
    const answer = await sentinelAsk(sentinelPort, 'get-master-addr-by-name', masterName);
    return answer ? Number(answer[1]) : null;
  };
  try {
    await until('the replica in sync', async () => (await ask(replicaPort, 'INFO', 'replication'))?.includes('master_link_status:up') ?? false);
    // The sentinel must know the replica before it can promote it.
    await until('the sentinel to see the replica', async () => {
      const replicas = await sentinelAsk(sentinelPort, 'replicas', masterName);
      return replicas !== null && replicas.length === 1;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    masterName,
    sentinels: `127.0.0.1:${sentinelPort}`,
    masterPort: named,
    kill: (port) => killNode(nodes.find((node) => node.port === port)!),
    async failedOver(killedPort) {
      let promoted = 0;
      await until('the sentinel failover', async () => {
        const port = await named();
        if (port === null || port === killedPort) return false;
        promoted = port;
        return (await ask(port, 'INFO', 'replication'))?.includes('role:master') ?? false;
      });
      return promoted;
    },
    stop,
  };
}

function sentinelAsk(port: number, ...args: string[]): Promise<any[] | null> {
  return call(port, ['SENTINEL', ...args]) as Promise<any[] | null>;
}
