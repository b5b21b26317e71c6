import { CallContext, Capability, Image, ImageProvider, ProviderDeps, SecretRedactor, fingerprint } from '@images/core';
import { UpstreamHttp } from '@images/http';
import { CecstackAuth, CecstackBearerAuth } from './auth';
import { CecstackClient } from './client';
import { CECSTACK_PROVIDER_ID, CecstackConfig, cecstackSecrets } from './config';
import { mapCecstackImage, mapCecstackSharedImage } from './mapper';

export interface CecstackProviderOptions {
  /** Replaces the default bearer token (the vendor's signing scheme is not public). */
  auth?: CecstackAuth;
}

/** The union of the images an account sees in one CECSTACK region: public, its own, and shared with it. */
export class CecstackProvider implements ImageProvider {
  readonly id = CECSTACK_PROVIDER_ID;
  readonly displayName = 'CECSTACK IMS';
  readonly capabilities: readonly Capability[] = ['list'];
  readonly accountScope: string;
  private readonly client: CecstackClient;

  constructor(
    private readonly config: CecstackConfig,
    private readonly deps: ProviderDeps,
    options: CecstackProviderOptions = {},
  ) {
    this.accountScope = fingerprint(config.endpoint, config.token, config.regionId);
    const concurrency = Math.max(1, deps.maxConcurrentRequests);
    const http = UpstreamHttp.forProvider(CECSTACK_PROVIDER_ID, config.endpoint, deps);
    const auth = options.auth ?? new CecstackBearerAuth(config.token);
    this.client = new CecstackClient(http, auth, { regionId: config.regionId, concurrency, redactor: new SecretRedactor(cecstackSecrets(config)) });
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const lists = await this.client.listCatalogLists(ctx.signal);
    const context = { regionId: this.config.regionId };
    // Precedence on duplicates: the account's own record, then the share, then the public listing.
    const candidates: Array<Image | null> = [
      ...lists.private.map((item) => mapCecstackImage(item, { ...context, list: 'private' })),
      ...lists.shared.map((item) => mapCecstackSharedImage(item, context)),
      ...lists.public.map((item) => mapCecstackImage(item, { ...context, list: 'public' })),
    ];
    const byId = new Map<string, Image>();
    for (const image of candidates) {
      if (image !== null && !byId.has(image.providerImageId)) byId.set(image.providerImageId, image);
    }
    const skipped = candidates.filter((image) => image === null).length;
    if (skipped > 0) this.deps.logger.warn({ provider: this.id, skipped }, 'images without an imageId were skipped');
    return [...byId.values()];
  }
}
