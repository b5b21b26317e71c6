import { getJson, sendJson } from './support/stack';
import { IMAGE_SUB_ROUTES } from './support/image-routes';
import { useFakeProvidersSuite } from './support/suite-setup';

// The gateway's write routes over in-memory providers (no vendor behind them): 404 and 501 on every route,
// what GET /providers says each provider implements, and the OpenAPI document of the routes.

describe('write IMAGE_SUB_ROUTES over in-memory providers', () => {
  const suite = useFakeProvidersSuite();
  const { url } = suite;

  describe('routing', () => {
    it.each(IMAGE_SUB_ROUTES)('%s /images/{id}%s: 404 for an unknown provider or a malformed id', async (method, suffix, body) => {
      for (const id of ['nosuch:img-1', 'no-colon']) {
        const answer = await sendJson(method, url(`/images/${id}${suffix}`), body);
        expect([answer.status, answer.body.code]).toEqual([404, 'NOT_FOUND']);
      }
    });

    it.each(IMAGE_SUB_ROUTES)('%s /images/{id}%s: 501 naming provider and operation where the provider has none', async (method, suffix, body) => {
      const answer = await sendJson(method, url(`/images/listonly:one${suffix}`), body);
      expect(answer.status).toBe(501);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'UNSUPPORTED_OPERATION', provider: 'listonly' });
      expect(answer.body.detail).toMatch(/^listonly does not support \w+ \(capability "\w+"\)/);
    });

    it('answers 501 for a create at a provider without one, and 400 for a provider that is not enabled', async () => {
      const unsupported = await sendJson('POST', url('/images'), { provider: 'listonly', name: 'x' });
      expect([unsupported.status, unsupported.body.code]).toEqual([501, 'UNSUPPORTED_OPERATION']);
      expect(unsupported.body.detail).toContain('createImage');
      const unknown = await sendJson('POST', url('/images'), { provider: 'aws', name: 'x' });
      expect([unknown.status, unknown.body.errors[0].field]).toEqual([400, 'provider']);
    });

    it('answers GET /operations/{id}: 404 for an unknown provider, 501 for one without operations', async () => {
      expect((await getJson(url('/operations/nosuch:job-1'))).status).toBe(404);
      expect((await getJson(url('/operations/listonly:job-1'))).status).toBe(501);
      expect((await getJson(url('/operations/fake:unknown'))).status).toBe(404);
    });

    it('lists in GET /providers what each provider implements', async () => {
      const { body } = await getJson(url('/providers'));
      const byId = Object.fromEntries(body.providers.map((p: { id: string }) => [p.id, p]));
      expect(byId.listonly).toMatchObject({ capabilities: ['list'], operations: [] });
      expect([...byId.fake.capabilities].sort()).toEqual(['copy', 'create', 'delete', 'download', 'export', 'get', 'list', 'operations', 'share', 'update', 'upload']);
      expect(byId.fake.operations).toHaveLength(13);
      expect(suite.listOnly.capabilities).toEqual(['list']);
    });
  });

  describe('OpenAPI', () => {
    it('documents every write route, its bodies, and problems as application/problem+json', async () => {
      const { body: doc } = await getJson(url('/docs-json'));
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
        '/images', '/images/{id}', '/images/{id}/copy', '/images/{id}/upload', '/images/{id}/upload/complete', '/images/{id}/file',
        '/images/{id}/shares', '/images/{id}/shares/{userId}', '/images/{id}/export-targets', '/images/{id}/export', '/operations/{id}',
      ]));
      expect(Object.keys(doc.paths['/images'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths['/images/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
      expect(doc.paths['/images'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateImageBody');
      expect(doc.components.schemas.CreateImageBody.required).toEqual(expect.arrayContaining(['provider', 'name']));
      expect(doc.paths['/images'].post.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/WriteAcceptedDto');
      expect(doc.paths['/images'].post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
      let problems = 0;
      for (const [path, item] of Object.entries<Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>(doc.paths)) {
        for (const operation of Object.values(item)) {
          for (const [status, response] of Object.entries(operation.responses ?? {})) {
            if (!/^[45]/.test(status) || path.startsWith('/health')) continue;
            expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
            problems++;
          }
        }
      }
      expect(problems).toBeGreaterThan(50);
    });
  });
});
