import { CallContext, Capability, GatewayError, Image, ImageProvider, distinctById, fingerprint, providerRedactor } from '@images/core';
import { UpstreamDeps, UpstreamHttp } from '@images/http';
import { HuaweiAkSkAuth, HuaweiAuth, HuaweiTokenAuth } from './auth';
import { HuaweiClient } from './client';
import { HUAWEI_PROVIDER_ID, HuaweiConfig, huaweiSecrets } from './config';
import { mapHuaweiImage } from './mapper';

export function huaweiAuthFor(config: HuaweiConfig): HuaweiAuth {
  const { credentials } = config;
  return credentials.kind === 'aksk' ? new HuaweiAkSkAuth(credentials.accessKey, credentials.secretKey) : new HuaweiTokenAuth(credentials.token);
}

/** Huawei Cloud Workspace product images of one project in one region. */
export class HuaweiProvider implements ImageProvider {
  readonly id: string;
  readonly displayName = 'Huawei Cloud Workspace';
  readonly capabilities: readonly Capability[] = ['list', 'get'];
  readonly accountScope: string;
  private readonly client: HuaweiClient;

  constructor(
    private readonly config: HuaweiConfig,
    private readonly deps: UpstreamDeps,
    auth: HuaweiAuth = huaweiAuthFor(config),
  ) {
    const { credentials } = config;
    const identity = credentials.kind === 'aksk' ? `ak:${credentials.accessKey}` : `token:${credentials.token}`;
    this.accountScope = fingerprint(config.endpoint, identity, config.projectId, config.region);
    const concurrency = Math.max(1, deps.maxConcurrentRequests);
    this.id = deps.providerId ?? HUAWEI_PROVIDER_ID;
    const http = UpstreamHttp.forProvider(this.id, config.endpoint, deps);
    this.client = new HuaweiClient(http, auth, { projectId: config.projectId, concurrency, redactor: providerRedactor(deps, huaweiSecrets(config)) });
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const items = await this.client.listAllImages(ctx);
    const images: Image[] = [];
    let skipped = 0;
    for (const item of items) {
      const image = mapHuaweiImage(item, this.config.region, this.id);
      if (image === null) skipped++;
      else images.push(image);
    }
    if (skipped > 0) this.deps.logger.warn({ provider: this.id, skipped }, 'images without an id were skipped');
    return distinctById(images);
  }

  /** ListImages filtered by `image_id`, mapped as the list is; null when Huawei has no such image. */
  async getImage(providerImageId: string, ctx: CallContext): Promise<Image | null> {
    let item: Record<string, unknown> | null;
    try {
      item = await this.client.findImage(providerImageId, ctx);
    } catch (error) {
      // Huawei's own "not found" (WKS.0202, or a service 404) for the id means no such image; a 404 without
      // Huawei's error envelope (a wrong endpoint) or APIGW.0101 (no such API) stays an error.
      if (error instanceof GatewayError && error.code === 'NOT_FOUND' && error.upstream?.code !== undefined) return null;
      throw error;
    }
    return item === null ? null : mapHuaweiImage(item, this.config.region, this.id);
  }
}
