import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { MetricsService } from '../metrics/metrics.service';
import { DownloadSlots } from './download-slots';

type CollectGarbage = (options: { type: 'minor' }) => void;

/**
 * A download relays the vendor's bytes as 64 KiB chunks, each a new Buffer freed only by a collection. Each chunk
 * leaves a few hundred bytes of JS objects, so the young generation hardly fills; V8 waits until external memory has
 * grown by its fixed 64 MB, then collects the whole heap. Measured (bench/RESULTS.md): one 2 GiB download grew RSS by
 * 35 MiB with nothing forced, by 7–11 MiB with a young-generation collection after every DOWNLOAD_RECLAIM_EVERY_MIB
 * relayed. The interval grows with the downloads in flight: a chunk still in flight at two collections is moved to
 * the old generation, where only a full collection frees it (4 downloads at a fixed 2 MiB grew 63 MiB; scaled, 23).
 */
@Injectable()
export class ChunkReclaimer {
  private readonly everyBytes: number;
  private sinceLastCollection = 0;
  private readonly collect: CollectGarbage | null;

  constructor(config: GatewayConfig, private readonly metrics: MetricsService, private readonly slots: DownloadSlots, @Inject(LOGGER) logger: Logger) {
    const everyMib = config.limits.downloadReclaimEveryMib;
    this.collect = everyMib > 0 ? exposedGc(logger) : null;
    this.everyBytes = this.collect ? everyMib * 2 ** 20 : 0;
  }

  /** Counts `bytes` relayed; past the interval (per download in flight), collects the young generation. */
  relayed(bytes: number): void {
    if (this.collect === null) return;
    this.sinceLastCollection += bytes;
    if (this.sinceLastCollection < this.everyBytes * Math.max(1, this.slots.active)) return;
    this.sinceLastCollection = 0;
    const started = performance.now();
    this.collect({ type: 'minor' });
    this.metrics.onChunkReclaim((performance.now() - started) / 1000);
  }
}

/**
 * V8's `gc`, from a context of its own, with the flag turned off again at once: contexts and worker threads made later
 * (by the gateway's dependencies, or by a test runner) get no global `gc`. Where the runtime refuses, downloads go on
 * without it, as V8 decides.
 */
function exposedGc(logger: Logger): CollectGarbage | null {
  try {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as unknown;
    if (typeof collect !== 'function') throw new Error('no gc function in a new context');
    return collect as CollectGarbage;
  } catch (error) {
    logger.warn({ err: error }, 'DOWNLOAD_RECLAIM_EVERY_MIB: V8 would not expose gc; downloads free their chunks when V8 decides');
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
