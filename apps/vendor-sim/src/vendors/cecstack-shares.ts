import { FastifyReply } from 'fastify';
import { Rejection } from '../cecstack/rejection';
import { parseCopyShared, parseShareUsers } from '../cecstack/requests';
import { OWN_IDS } from '../cecstack/state';
import { CecstackHandlerContext, ImageRequest, ShareRequest, answer, body, fail, page } from './cecstack-http';

/** Our images' shares (private-images/{id}/share, unshare) and the images shared with us (shared-images/{shareId}). */
export function cecstackShareHandlers({ state, admit }: CecstackHandlerContext) {
  const listShares = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'optional');
    if ('rejected' in admitted) return admitted.rejected;
    const grants = state.shares.grantsOf(request.params.imageId);
    return grants instanceof Rejection ? fail(reply, grants.code, grants.detail) : page(reply, grants, admitted.list);
  };

  const share = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const userIds = parseShareUsers(body(request), OWN_IDS);
    return answer(reply, userIds instanceof Rejection ? userIds : state.shares.share(request.params.imageId, userIds));
  };

  const unshare = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const userIds = parseShareUsers(body(request), OWN_IDS);
    return answer(reply, userIds instanceof Rejection ? userIds : state.shares.unshare(request.params.imageId, userIds));
  };

  const deleteShared = (request: ShareRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    return answer(reply, state.images.deleteShared(request.params.shareId));
  };

  /** The copy answer (1.21) adds fields the lists do not carry. */
  const copyShared = (request: ShareRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseCopyShared(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.copyShared(request.params.shareId, input), (image) => ({
      ...image,
      shared: false,
      capacityPercentage: '',
      volumeImages: null,
      errMessage: '',
      departmentName: '',
      resourceGroupName: '',
    }));
  };

  return { listShares, share, unshare, deleteShared, copyShared };
}
