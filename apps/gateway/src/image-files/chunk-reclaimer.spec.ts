import type { GatewayConfig } from '../config/gateway-config';
import { MetricsService } from '../metrics/metrics.service';
import { ChunkReclaimer } from './chunk-reclaimer';
import type { DownloadSlots } from './download-slots';

const CHUNK = 64 * 1024;

function reclaimerEvery(mib: number) {
  const metrics = new MetricsService();
  const reclaimer = new ChunkReclaimer({ limits: { downloadReclaimEveryMib: mib } } as GatewayConfig, metrics, { active: 1 } as DownloadSlots);
  const collections = async () => {
    const text = await metrics.registry.getSingleMetricAsString('gateway_download_reclaim_duration_seconds');
    return Number(/gateway_download_reclaim_duration_seconds_count (\d+)/.exec(text)?.[1]);
  };
  return { reclaimer, metrics, collections };
}

/** Chunks made and dropped, as a relay drops them once written; not from Node's pool, so each is its own allocation. */
function dropChunks(count: number): void {
  for (let i = 0; i < count; i++) Buffer.allocUnsafeSlow(CHUNK).fill(1);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('ChunkReclaimer', () => {
  it('collects once per DOWNLOAD_RECLAIM_EVERY_MIB relayed, counting every download together, and times each collection', async () => {
    const { reclaimer, metrics, collections } = reclaimerEvery(1);
    // 2.5 MiB in 64 KiB chunks: past 1 MiB twice.
    for (let i = 0; i < 40; i++) reclaimer.relayed(CHUNK);
    expect(await collections()).toBe(2);
    metrics.onModuleDestroy();
  });

  it('frees the chunks a relay dropped, without waiting for V8 to notice the external memory', async () => {
    const { reclaimer, metrics } = reclaimerEvery(1);
    await settle();
    dropChunks(256);
    const held = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 16; i++) reclaimer.relayed(CHUNK);
    // The buffers' memory goes back as the collection's sweeping finishes, on a thread of its own.
    await settle();
    expect(held - process.memoryUsage().arrayBuffers).toBeGreaterThan(12 * 2 ** 20);
    metrics.onModuleDestroy();
  });

  it('never collects with DOWNLOAD_RECLAIM_EVERY_MIB=0', async () => {
    const { reclaimer, metrics, collections } = reclaimerEvery(0);
    for (let i = 0; i < 1000; i++) reclaimer.relayed(CHUNK);
    expect(await collections()).toBe(0);
    metrics.onModuleDestroy();
  });
});
