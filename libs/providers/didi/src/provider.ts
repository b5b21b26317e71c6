import { CallContext, Capability, Image, ImageProvider, ProviderDeps, fingerprint } from '@images/core';
import { UpstreamHttp } from '@images/http';
import { DidiClient } from './client';
import { DIDI_PROVIDER_ID, DidiConfig } from './config';
import { mapDidiImage, mergeRegionalImages } from './mapper';

export class DidiProvider implements ImageProvider {
  readonly id = DIDI_PROVIDER_ID;
  readonly displayName = 'DiDi Cloud';
  readonly capabilities: readonly Capability[] = ['list'];
  readonly accountScope: string;
  private readonly client: DidiClient;

  constructor(config: DidiConfig, private readonly deps: ProviderDeps) {
    const http = UpstreamHttp.forProvider(DIDI_PROVIDER_ID, config.endpoint, deps);
    this.client = new DidiClient(http, config, deps.maxConcurrentRequests);
    // Region order only decides which copy wins a merge, not which images the account sees.
    this.accountScope = fingerprint(config.endpoint, config.token, [...config.regions].sort().join(','));
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const regional = await this.client.listAllRegions(ctx.signal);
    const images: Image[] = [];
    let skipped = 0;
    for (const { regionId, items } of regional) {
      for (const item of items) {
        const image = mapDidiImage(item, regionId);
        if (image === null) skipped++;
        else images.push(image);
      }
    }
    // One malformed item should not blank the whole catalog; it is dropped and counted.
    if (skipped > 0) this.deps.logger.warn({ provider: DIDI_PROVIDER_ID, skipped }, 'catalog items without cimgUuid skipped');
    return mergeRegionalImages(images);
  }
}
