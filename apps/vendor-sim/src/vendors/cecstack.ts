import { FastifyInstance } from 'fastify';
import { CecstackState } from '../cecstack/state';
import { FaultSpec } from '../faults';
import { cecstackExportHandlers } from './cecstack-exports';
import { cecstackFileHandlers } from './cecstack-files';
import { createAdmit, fail, succeed } from './cecstack-http';
import { cecstackImageHandlers } from './cecstack-images';
import { cecstackReadHandlers } from './cecstack-reads';
import { cecstackShareHandlers } from './cecstack-shares';
import { CatalogView, SimContext, VendorSimulator, distinct, echoedCredentials, pathOf, plainNotFound, plainThrottleAnswer } from './vendor';

// CECSTACK IMS: Bearer token and `x-regionid`; errors as HTTP 400 with an `IMG.*` code. The route handlers are in
// cecstack-*.ts by family (reads, images, files, shares, exports) over what cecstack-http.ts gives them all. The
// write calls and their state live in ../cecstack/: request parsing (requests.ts), the account's state (state.ts),
// the file download (download.ts).

const BASE = '/api/image/v1';

/** Operation names for the stats, by method and path below the base (`:id` standing for an id segment). */
const OPERATIONS: ReadonlyArray<[method: string, path: RegExp, operation: string]> = [
  ['GET', /^images$/, 'images/list'],
  ['GET', /^images\/[^/]+$/, 'images/get'],
  ['GET', /^private-images$/, 'private-images/list'],
  ['POST', /^private-images$/, 'private-images/create'],
  ['POST', /^private-images\/import$/, 'private-images/import'],
  ['PUT', /^private-images\/[^/]+$/, 'private-images/update'],
  ['DELETE', /^private-images\/[^/]+$/, 'private-images/delete'],
  ['POST', /^private-images\/[^/]+\/upload-prepare$/, 'private-images/upload-prepare'],
  ['POST', /^private-images\/[^/]+\/upload-done$/, 'private-images/upload-done'],
  ['GET', /^private-images\/[^/]+\/file$/, 'private-images/download'],
  ['GET', /^private-images\/[^/]+\/share$/, 'private-images/share/list'],
  ['POST', /^private-images\/[^/]+\/share$/, 'private-images/share'],
  ['POST', /^private-images\/[^/]+\/unshare$/, 'private-images/unshare'],
  ['GET', /^private-images\/[^/]+\/oss-bucket-list$/, 'private-images/oss-bucket-list'],
  ['POST', /^custom-images\/[^/]+\/export$/, 'custom-images/export'],
  ['GET', /^shared-images$/, 'shared-images/list'],
  ['DELETE', /^shared-images\/[^/]+$/, 'shared-images/delete'],
  ['POST', /^shared-images\/[^/]+\/copy$/, 'shared-images/copy'],
];

export function createCecstackSimulator(context: SimContext): VendorSimulator {
  const state = new CecstackState({ stepMs: context.stepMs, regionId: context.credentials.cecstackRegionId, privateImages: context.cecstackPrivateImages });
  const catalog = state.catalog;
  const handlerContext = { state, admit: createAdmit(context, state) };
  const reads = cecstackReadHandlers(handlerContext);
  const images = cecstackImageHandlers(handlerContext);
  const files = cecstackFileHandlers(handlerContext);
  const shares = cecstackShareHandlers(handlerContext);
  const exporting = cecstackExportHandlers(handlerContext);

  return {
    name: 'cecstack',
    operationOf(request) {
      const path = pathOf(request);
      if (!path.startsWith(`${BASE}/`)) return 'unknown';
      const rest = path.slice(BASE.length + 1);
      const found = OPERATIONS.find(([method, pattern]) => method === request.method && pattern.test(rest));
      return found === undefined ? 'unknown' : found[2];
    },
    registerRoutes(app: FastifyInstance) {
      app.get(`${BASE}/images`, reads.listPublic);
      app.get(`${BASE}/images/:imageId`, reads.getImage);
      app.get(`${BASE}/private-images`, reads.listPrivate);
      app.post(`${BASE}/private-images`, images.createImage);
      app.post(`${BASE}/private-images/import`, images.importImage);
      app.put(`${BASE}/private-images/:imageId`, images.updateImage);
      app.delete(`${BASE}/private-images/:imageId`, images.deleteImage);
      app.post(`${BASE}/private-images/:imageId/upload-prepare`, files.prepareUpload);
      app.post(`${BASE}/private-images/:imageId/upload-done`, files.completeUpload);
      app.get(`${BASE}/private-images/:imageId/file`, files.download);
      app.get(`${BASE}/private-images/:imageId/share`, shares.listShares);
      app.post(`${BASE}/private-images/:imageId/share`, shares.share);
      app.post(`${BASE}/private-images/:imageId/unshare`, shares.unshare);
      app.get(`${BASE}/private-images/:imageId/oss-bucket-list`, exporting.listBuckets);
      app.post(`${BASE}/custom-images/:imageId/export`, exporting.exportImage);
      app.get(`${BASE}/shared-images`, reads.listShared);
      app.delete(`${BASE}/shared-images/:shareId`, shares.deleteShared);
      app.post(`${BASE}/shared-images/:shareId/copy`, shares.copyShared);
    },
    notFound: (_request, reply) => plainNotFound(reply),
    errorAnswer(reply, fault: FaultSpec) {
      return fail(reply, fault.code === undefined ? 'IMG.Internal.Error' : String(fault.code), echoedCredentials(reply, fault));
    },
    throttleAnswer: plainThrottleAnswer,
    badShapeAnswer(reply) {
      // A double-encoded list: `list` is a string holding JSON.
      return succeed(reply, { size: 2, current: 1, total: catalog.publicImages.length, list: JSON.stringify(catalog.publicImages.slice(0, 2)) });
    },
    catalog(): CatalogView {
      state.settle();
      const lists = {
        public: catalog.publicImages.map((image) => image.imageId),
        private: catalog.privateImages.map((image) => image.imageId),
        shared: catalog.sharedImages.map((share) => share.imageId),
      };
      // Beyond the common view: our images' shares (image id → user ids) and the exports made so far.
      const view = {
        ids: distinct([...lists.public, ...lists.private, ...lists.shared]),
        items: [...catalog.publicImages, ...catalog.privateImages, ...catalog.sharedImages],
        lists,
        shares: state.shares.shareTable(),
        exports: state.exports.records(),
      };
      return view;
    },
  };
}
