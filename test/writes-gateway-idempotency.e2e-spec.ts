import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { GatewayError } from '@images/core';
import { IdempotencyInterceptor } from '../apps/gateway/src/idempotency/idempotency.interceptor';
import { sendJson } from './support/stack';
import { useFakeProvidersSuite } from './support/suite-setup';

// The gateway's Idempotency-Key handling of writes over in-memory providers (no vendor behind them): replays,
// conflicts, failures and upload details that are never kept.

describe('write IMAGE_SUB_ROUTES over in-memory providers', () => {
  const suite = useFakeProvidersSuite();
  const { url } = suite;

  it('puts the idempotency interceptor on every POST route of the app (reads get none)', () => {
    const modules = suite.gateway.app.app.get(ModulesContainer);
    const routes: Array<{ route: string; once: boolean }> = [];
    for (const module of modules.values()) {
      for (const { metatype } of module.controllers.values()) {
        const prototype = (metatype as { prototype: Record<string, unknown> }).prototype;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = prototype[name];
          if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
          const interceptors: unknown[] = [...(Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []), ...(Reflect.getMetadata(INTERCEPTORS_METADATA, metatype as object) ?? [])];
          const post = Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST;
          routes.push({ route: `${post ? 'POST' : 'other'} ${(metatype as { name: string }).name}.${name}`, once: interceptors.includes(IdempotencyInterceptor) });
        }
      }
    }
    const posts = routes.filter((route) => route.route.startsWith('POST'));
    expect(posts.length).toBeGreaterThanOrEqual(6);
    expect(posts.filter((route) => !route.once)).toEqual([]);
    expect(routes.filter((route) => !route.route.startsWith('POST') && route.once)).toEqual([]);
  });

  describe('Idempotency-Key (in-process store: this gateway runs with Redis, see idempotency e2e for both)', () => {
    it('answers a retry with the first answer and no second provider call', async () => {
      const key = `k-${Date.now()}-1`;
      const body = { provider: 'fake', name: 'idem-one' };
      const first = await sendJson('POST', url('/images'), body, { 'idempotency-key': key });
      const calls = suite.fake.calls.createImage;
      const retry = await sendJson('POST', url('/images'), { name: 'idem-one', provider: 'fake' }, { 'idempotency-key': key });
      expect(suite.fake.calls.createImage).toBe(calls);
      expect(retry.status).toBe(first.status);
      expect(retry.headers.get('location')).toBe(first.headers.get('location'));
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
    });

    it('answers 409 for the same key with another body', async () => {
      const key = `k-${Date.now()}-2`;
      await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-two' }, { 'idempotency-key': key });
      const other = await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-three' }, { 'idempotency-key': key });
      expect([other.status, other.body.code]).toEqual([409, 'CONFLICT']);
      expect(other.body.detail).toContain('another request');
    });

    it('answers 409 for a duplicate while the first is in flight', async () => {
      const key = `k-${Date.now()}-3`;
      suite.fake.controls.writeDelayMs = 300;
      try {
        const body = { provider: 'fake', name: 'idem-slow' };
        const first = sendJson('POST', url('/images'), body, { 'idempotency-key': key });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const duplicate = await sendJson('POST', url('/images'), body, { 'idempotency-key': key });
        expect([duplicate.status, duplicate.body.code]).toEqual([409, 'CONFLICT']);
        expect(duplicate.body.detail).toContain('still in progress');
        expect((await first).status).toBe(202);
      } finally {
        suite.fake.controls.writeDelayMs = 0;
      }
    });

    it('keeps no failed answer: a retry after a failure runs again', async () => {
      const key = `k-${Date.now()}-4`;
      suite.fake.controls.failNext = new GatewayError('UPSTREAM_UNAVAILABLE', { provider: 'fake', detail: 'down for a moment' });
      const calls = suite.fake.calls.createImage ?? 0;
      const failed = await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-retry' }, { 'idempotency-key': key });
      expect(failed.status).toBe(503);
      const retried = await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-retry' }, { 'idempotency-key': key });
      expect(retried.status).toBe(202);
      expect(suite.fake.calls.createImage).toBe(calls + 2);
    });

    it('never keeps upload details: a retry of upload-prepare runs again', async () => {
      const key = `k-${Date.now()}-5`;
      const first = await sendJson('POST', url('/images/fake:small/upload'), { sizeBytes: 77 }, { 'idempotency-key': key });
      const second = await sendJson('POST', url('/images/fake:small/upload'), { sizeBytes: 77 }, { 'idempotency-key': key });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.uploadId).not.toBe(first.body.uploadId);
      expect(second.headers.get('idempotent-replayed')).toBeNull();
      const other = await sendJson('POST', url('/images/fake:small/upload'), { sizeBytes: 78 }, { 'idempotency-key': key });
      expect(other.status).toBe(409);
    });

    it('refuses a malformed key', async () => {
      const answer = await sendJson('POST', url('/images'), { provider: 'fake', name: 'x' }, { 'idempotency-key': 'k'.repeat(256) });
      expect([answer.status, answer.body.errors[0].field]).toEqual([400, 'Idempotency-Key']);
    });
  });
});
