import { CallContext, Capability, Image, ImageProvider, distinctById, fingerprint, providerRedactor } from '@images/core';
import { UpstreamDeps, UpstreamHttp } from '@images/http';
import { UcloudClient } from './client';
import { UCLOUD_PROVIDER_ID, UcloudConfig, ucloudSecrets } from './config';
import { mapUcloudImage } from './mapper';

export class UcloudProvider implements ImageProvider {
  readonly id: string;
  readonly displayName = 'UCloud';
  readonly capabilities: readonly Capability[] = ['list'];
  readonly accountScope: string;
  private readonly client: UcloudClient;

  constructor(config: UcloudConfig, private readonly deps: UpstreamDeps) {
    this.id = deps.providerId ?? UCLOUD_PROVIDER_ID;
    const http = UpstreamHttp.forProvider(this.id, config.endpoint, deps);
    this.client = new UcloudClient(http, config, deps.maxConcurrentRequests, providerRedactor(deps, ucloudSecrets(config)));
    this.accountScope = fingerprint(config.endpoint, config.publicKey, config.projectId);
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const items = await this.client.listAll(ctx);
    const images: Image[] = [];
    for (const item of items) {
      const image = mapUcloudImage(item, this.id);
      if (image !== null) images.push(image);
    }
    // One malformed item should not blank the whole catalog; it is dropped and counted.
    const skipped = items.length - images.length;
    if (skipped > 0) this.deps.logger.warn({ provider: this.id, skipped }, 'catalog items without ImageId skipped');
    return distinctById(images);
  }
}
