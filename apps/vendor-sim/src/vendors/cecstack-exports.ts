import { FastifyReply } from 'fastify';
import { Rejection } from '../cecstack/rejection';
import { parseExport } from '../cecstack/requests';
import { CecstackHandlerContext, ImageRequest, answer, body } from './cecstack-http';

/** GET private-images/{id}/oss-bucket-list and POST custom-images/{id}/export. */
export function cecstackExportHandlers({ state, admit }: CecstackHandlerContext) {
  const listBuckets = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    return answer(reply, state.exports.bucketsFor(request.params.imageId));
  };

  const exportImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const bucket = parseExport(body(request));
    return answer(reply, bucket instanceof Rejection ? bucket : state.exports.exportImage(request.params.imageId, bucket));
  };

  return { listBuckets, exportImage };
}
