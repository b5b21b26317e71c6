import { FastifyReply, FastifyRequest } from 'fastify';
import { Rejection } from '../cecstack/rejection';
import { parseCreateImage, parseImportImage, parseUpdateImage } from '../cecstack/requests';
import { CecstackHandlerContext, ImageRequest, NO_DATA, answer, body } from './cecstack-http';

// Each write admits, parses its body (IMG.InvalidParameter), then asks the state.

/** POST private-images, POST private-images/import, PUT and DELETE private-images/{id}. */
export function cecstackImageHandlers({ state, admit }: CecstackHandlerContext) {
  const createImage = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseCreateImage(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.createImage(input));
  };

  const importImage = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseImportImage(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.importImage(input));
  };

  const updateImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseUpdateImage(body(request));
    return answer(reply, input instanceof Rejection ? input : state.images.updateImage(request.params.imageId, input));
  };

  const deleteImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    return answer(reply, state.images.deleteImage(request.params.imageId), () => NO_DATA);
  };

  return { createImage, importImage, updateImage, deleteImage };
}
