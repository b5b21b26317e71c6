import { ImsClient, createBody, importBody } from './cecstack/ims-client';
import { PRIVATE_IMAGE_QUOTA } from './cecstack/state';
import { expectCode } from './cecstack-writes-spec-support';
import { startVendorSim } from './sim';

describe('CECSTACK simulator: private image quota', () => {
  it(`refuses the ${PRIVATE_IMAGE_QUOTA + 1}st private image: IMG.OperationDenied.QuotaNotEnough, for create, import and copy alike`, async () => {
    const sim = await startVendorSim();
    try {
      const ims = new ImsClient(sim);
      const seededCount = (await ims.get('/private-images?current=1&size=1')).body.data.total as number;
      for (let i = seededCount; i < PRIVATE_IMAGE_QUOTA; i++) expect((await ims.post('/private-images', createBody({ name: `bulk-${i}` }))).status).toBe(200);
      expect((await ims.get('/private-images?current=1&size=1')).body.data.total).toBe(PRIVATE_IMAGE_QUOTA);
      expectCode(await ims.post('/private-images', createBody()), 'IMG.OperationDenied.QuotaNotEnough');
      expectCode(await ims.post('/private-images/import', importBody()), 'IMG.OperationDenied.QuotaNotEnough');
      const copy = { tenantId: '7074927169066926081', departmentId: '1', resourceGroupId: '', name: 'copy' };
      expectCode(await ims.post('/shared-images/img-share-60syal9krz8c0lnf6n5c/copy', copy), 'IMG.OperationDenied.QuotaNotEnough');
      const newest = (await ims.get('/private-images?current=1&size=1')).body.data.list[0].imageId;
      expect((await ims.call('DELETE', `/private-images/${newest}`)).status).toBe(200);
      expect((await ims.post('/private-images', createBody())).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
