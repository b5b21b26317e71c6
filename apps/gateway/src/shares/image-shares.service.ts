import { Injectable } from '@nestjs/common';
import { ExportTarget, ImageShare } from '@images/core';
import { ProviderCalls } from '../catalog/provider-calls';
import { Answer, imagePath, writeAnswer } from '../common/answer';
import { validationFailed } from '../common/validation';
import { ProviderDirectory } from '../providers/provider-directory';
import { ExportImageBody, ShareImageBody, USER_ID } from './dto/shares.dto';

/** Who else may use an own image (shares), and where it can be exported to. */
@Injectable()
export class ImageSharesService {
  constructor(
    private readonly directory: ProviderDirectory,
    private readonly calls: ProviderCalls,
  ) {}

  async listShares(id: string, requestId: string): Promise<{ shares: ImageShare[] }> {
    const owner = this.directory.owner(id);
    return { shares: await this.calls.read(owner.provider, 'listShares', requestId, (listShares, ctx) => listShares(owner.localId, ctx)) };
  }

  async share(id: string, body: ShareImageBody, requestId: string): Promise<Answer<{ shares: ImageShare[] }>> {
    const owner = this.directory.owner(id);
    this.directory.checkShareUsers(owner.provider.id, body.userIds);
    const shares = await this.calls.write(owner.provider, 'shareImage', requestId, (shareImage, ctx) => shareImage(owner.localId, { userIds: body.userIds }, ctx));
    return { status: 201, headers: { location: `${imagePath(id)}/shares` }, body: { shares } };
  }

  async unshare(id: string, userId: string, requestId: string): Promise<Answer> {
    const owner = this.directory.owner(id);
    if (!USER_ID.test(userId) || userId.length > 64) throw validationFailed([{ field: 'userId', message: 'must be 1–64 letters, digits, "_", ".", ":" or "-"' }]);
    await this.calls.write(owner.provider, 'unshareImage', requestId, (unshareImage, ctx) => unshareImage(owner.localId, userId, ctx));
    return { status: 204 };
  }

  async exportTargets(id: string, requestId: string): Promise<{ targets: ExportTarget[] }> {
    const owner = this.directory.owner(id);
    return { targets: await this.calls.read(owner.provider, 'listExportTargets', requestId, (listExportTargets, ctx) => listExportTargets(owner.localId, ctx)) };
  }

  async exportImage(id: string, body: ExportImageBody, requestId: string): Promise<Answer> {
    const owner = this.directory.owner(id);
    const bucket = { name: body.bucket.name, azId: body.bucket.azId, cellId: body.bucket.cellId };
    const result = await this.calls.write(owner.provider, 'exportImage', requestId, (exportImage, ctx) => exportImage(owner.localId, { bucket }, ctx));
    return writeAnswer(result, { status: 200 }, id);
  }
}
