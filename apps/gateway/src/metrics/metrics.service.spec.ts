import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('gives the first 50 unknown vendor codes of a provider their own series and folds the rest into "other"', async () => {
    const metrics = new MetricsService();
    for (let i = 0; i < 80; i++) {
      metrics.onUpstreamCall({ provider: 'p', operation: 'list', method: 'GET', httpStatus: 200, problemCode: 'UPSTREAM_ERROR', vendorCode: `X${i}`, unknownVendorCode: true, latencyMs: 1 });
    }
    const text = await metrics.registry.getSingleMetricAsString('gateway_upstream_unmapped_vendor_codes_total');
    const series = text.split('\n').filter((line) => line.startsWith('gateway_upstream_unmapped_vendor_codes_total{'));
    expect(series).toHaveLength(51);
    expect(text).toContain('gateway_upstream_unmapped_vendor_codes_total{provider="p",vendor_code="other"} 30');
    expect(text).toContain('vendor_code="X0"} 1');
  });
});
