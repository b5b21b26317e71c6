import { VENDOR_NAMES, VendorName } from './types';

export interface VendorStats {
  requests: number;
  byOperation: Record<string, number>;
  authFailures: number;
}

/** Counts every request that reached a vendor listener, faulted ones included. */
export class StatsBoard {
  private stats = StatsBoard.empty();

  private static empty(): Record<VendorName, VendorStats> {
    return Object.fromEntries(VENDOR_NAMES.map((vendor) => [vendor, { requests: 0, byOperation: {}, authFailures: 0 }])) as Record<VendorName, VendorStats>;
  }

  recordRequest(vendor: VendorName, operation: string): void {
    const stats = this.stats[vendor];
    stats.requests += 1;
    stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
  }

  recordAuthFailure(vendor: VendorName): void {
    this.stats[vendor].authFailures += 1;
  }

  snapshot(): Record<VendorName, VendorStats> {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = StatsBoard.empty();
  }
}
