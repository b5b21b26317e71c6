import { Injectable } from '@nestjs/common';
import { GatewayError } from '@images/core';
import { GatewayConfig } from '../config/gateway-config';

/** What a full pool tells the caller to wait: downloads end at any time, so soon. */
const FULL_POOL_RETRY_SECONDS = 5;

/**
 * Downloads in flight on this replica: at most DOWNLOAD_MAX_CONCURRENCY in all (their own pool, apart from the API
 * calls) and DOWNLOAD_MAX_PER_CALLER per caller. Over either the answer is immediate: a caller over its own cap gets
 * 429, anyone finding the pool full 503 with Retry-After; nobody waits in a queue.
 */
@Injectable()
export class DownloadSlots {
  private inFlight = 0;
  private readonly byCaller = new Map<string, number>();

  constructor(private readonly config: GatewayConfig) {}

  /** Downloads in flight on this replica now. */
  get active(): number {
    return this.inFlight;
  }

  /** A slot for `tracker` (the caller, or its address); the returned function frees it, once. */
  take(tracker: string): () => void {
    const { downloadMaxConcurrency, downloadMaxPerCaller } = this.config.limits;
    const mine = this.byCaller.get(tracker) ?? 0;
    if (mine >= downloadMaxPerCaller) {
      throw new GatewayError('RATE_LIMITED', { detail: `at most ${downloadMaxPerCaller} downloads at once per caller`, retryAfterSeconds: FULL_POOL_RETRY_SECONDS });
    }
    if (this.inFlight >= downloadMaxConcurrency) {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', { detail: `all ${downloadMaxConcurrency} download slots are in use`, retryAfterSeconds: FULL_POOL_RETRY_SECONDS });
    }
    this.inFlight++;
    this.byCaller.set(tracker, mine + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.inFlight--;
      const left = (this.byCaller.get(tracker) ?? 1) - 1;
      if (left > 0) this.byCaller.set(tracker, left);
      else this.byCaller.delete(tracker);
    };
  }
}
