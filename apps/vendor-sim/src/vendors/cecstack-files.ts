import { randomUUID } from 'node:crypto';
import { FastifyReply } from 'fastify';
import { GeneratedImageStream, imagePattern, parseRange } from '../cecstack/download';
import { IMS, Rejection } from '../cecstack/rejection';
import { parseUploadDone, parseUploadPrepare } from '../cecstack/requests';
import { resolveCecstackCode } from '../fixtures/error-codes';
import { CecstackHandlerContext, ImageRequest, NO_DATA, answer, body, fail } from './cecstack-http';

/** upload-prepare, upload-done and the file download of private-images/{id}. */
export function cecstackFileHandlers({ state, admit }: CecstackHandlerContext) {
  const prepareUpload = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseUploadPrepare(body(request));
    return answer(reply, input instanceof Rejection ? input : state.files.prepareUpload(request.params.imageId, input.size));
  };

  const completeUpload = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const input = parseUploadDone(body(request));
    return answer(reply, input instanceof Rejection ? input : state.files.completeUpload(request.params.imageId, input), () => NO_DATA);
  };

  /** The file, streamed: `Range: bytes=…` gets 206 with Content-Range, an unsatisfiable one 416. */
  const download = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const image = state.files.downloadable(request.params.imageId);
    if (image instanceof Rejection) return fail(reply, image.code, image.detail);
    const size = image.size;
    const range = parseRange(request.headers.range, size);
    reply
      .header('accept-ranges', 'bytes')
      .header('content-disposition', `attachment; filename="${image.imageId}.${image.diskFormat}"`);
    if (range === 'unsatisfiable') {
      return reply
        .code(416)
        .header('content-range', `bytes */${size}`)
        .send({ requestId: randomUUID(), code: IMS.invalidParameter, message: `${resolveCecstackCode(IMS.invalidParameter).message}: Range`, data: null });
    }
    const start = range === null ? 0 : range.start;
    const end = range === null ? size - 1 : range.end;
    if (range !== null) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
    else reply.code(200);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(end - start + 1))
      .send(new GeneratedImageStream(imagePattern(image.imageId), start, end + 1));
  };

  return { prepareUpload, completeUpload, download };
}
