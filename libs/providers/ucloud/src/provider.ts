import { CallContext, Capability, Image, ImageProvider, distinctById, fingerprint, providerRedactor } from '@images/core';
import { UpstreamDeps, UpstreamHttp } from '@images/http';
import { UcloudClient } from './client';
import { UCLOUD_PROVIDER_ID, UcloudConfig, ucloudSecrets } from './config';
import { mapUcloudImage } from './mapper';

export class UcloudProvider implements ImageProvider {
  readonly id = UCLOUD_PROVIDER_ID;
  readonly displayName = 'UCloud';
  readonly capabilities: readonly Capability[] = ['list'];
  readonly accountScope: string;
  private readonly client: UcloudClient;

  constructor(config: UcloudConfig, private readonly deps: UpstreamDeps) {
    const http = UpstreamHttp.forProvider(UCLOUD_PROVIDER_ID, config.endpoint, deps);
    this.client = new UcloudClient(http, config, deps.maxConcurrentRequests, providerRedactor(deps, ucloudSecrets(config)));
    this.accountScope = fingerprint(config.endpoint, config.publicKey, config.projectId);
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const items = await this.client.listAll(ctx);
    const images: Image[] = [];
    for (const item of items) {
      const image = mapUcloudImage(item);
      if (image !== null) images.push(image);
    }
    // One malformed item should not blank the whole catalog; it is dropped and counted.
    const skipped = items.length - images.length;
    if (skipped > 0) this.deps.logger.warn({ provider: UCLOUD_PROVIDER_ID, skipped }, 'catalog items without ImageId skipped');
    return distinctById(images);
  }
}
