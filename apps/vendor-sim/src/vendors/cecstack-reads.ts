import { FastifyReply, FastifyRequest } from 'fastify';
import { CecstackImage, CecstackShare } from '../catalogs/cecstack';
import { IMS } from '../cecstack/rejection';
import { CecstackHandlerContext, ImageRequest, fail, page, succeed } from './cecstack-http';

/** `name:lk:{text}|imageId:eq:{id}`, conditions joined by `|` and all required; a string names the bad part. */
function privateFilter(query: URLSearchParams): ((image: CecstackImage) => boolean) | string {
  const conditions: Array<(image: CecstackImage) => boolean> = [];
  for (const part of (query.get('filter') ?? '').split('|')) {
    if (part === '') continue;
    const [field, operator, ...rest] = part.split(':');
    const value = rest.join(':');
    if (value === '') continue;
    if (field === 'name' && operator === 'lk') conditions.push((image) => image.name.toLowerCase().includes(value.toLowerCase()));
    else if (field === 'imageId' && operator === 'eq') conditions.push((image) => image.imageId === value);
    else return `filter ${part}`;
  }
  return (image) => conditions.every((condition) => condition(image));
}

/** The three lists (public, private, shared with us) and GET images/{id}. */
export function cecstackReadHandlers({ state, admit }: CecstackHandlerContext) {
  const catalog = state.catalog;

  const listPublic = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'required');
    return 'rejected' in admitted ? admitted.rejected : page(reply, catalog.publicImages, admitted.list);
  };

  const listPrivate = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'required');
    if ('rejected' in admitted) return admitted.rejected;
    const filter = privateFilter(admitted.list.query);
    if (typeof filter === 'string') return fail(reply, 'IMG.InvalidParameter', filter);
    return page(reply, catalog.privateImages.filter(filter), admitted.list);
  };

  const listShared = (request: FastifyRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'required');
    return 'rejected' in admitted ? admitted.rejected : page<CecstackShare>(reply, catalog.sharedImages, admitted.list);
  };

  const getImage = (request: ImageRequest, reply: FastifyReply) => {
    const admitted = admit(request, reply, 'none');
    if ('rejected' in admitted) return admitted.rejected;
    const image = state.detail(request.params.imageId);
    return image === undefined ? fail(reply, IMS.noData) : succeed(reply, image);
  };

  return { listPublic, listPrivate, listShared, getImage };
}
