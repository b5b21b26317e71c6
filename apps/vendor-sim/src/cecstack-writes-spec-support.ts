import { ImsClient, createBody, sleep } from './cecstack/ims-client';
import { RunningSim, startVendorSim } from './sim';

// What the cecstack-writes-*.spec.ts files share. The app build compiles this file too (it takes every file under
// src/ but the specs), hence the reference to jest's types.

export const STEP_MS = 150;
export const DOC_IMAGE = 'img-kvvfk28fcjc0mt'; // in the public list and in our private list
export const GIB = 1024 ** 3;

export interface CatalogView {
  ids: string[];
  items: Array<{ imageId: string }>;
  lists: Record<'public' | 'private' | 'shared', string[]>;
}

/** Every distinct status an image shows, polled until it settles in one of `final` (or the deadline). */
export async function statusTrail(ims: ImsClient, imageId: string, final: string[], deadlineMs = 20 * STEP_MS, seen: string[] = []): Promise<string[]> {
  // `seen`: states already known (the write's own answer), which a loaded machine may have moved past before the first poll.
  const trail: string[] = [...seen];
  const started = Date.now();
  for (;;) {
    const status = String((await ims.privateImage(imageId))?.status);
    if (trail[trail.length - 1] !== status) trail.push(status);
    if (final.includes(status) || Date.now() - started > deadlineMs) return trail;
    await sleep(15);
  }
}

export async function waitForStatus(ims: ImsClient, imageId: string, status: string): Promise<void> {
  const trail = await statusTrail(ims, imageId, [status]);
  expect(trail[trail.length - 1]).toBe(status);
}

export function expectCode(answer: { status: number; body: any }, code: string): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 400, code });
  expect(answer.body).toMatchObject({ requestId: expect.any(String), message: expect.any(String), data: null });
}

// Jest loads this module afresh for each spec file: `sim` and `ims` are that file's own simulator.
export let sim: RunningSim;
export let ims: ImsClient;
let seeded: CatalogView;

/** Starts the spec file's simulator before its tests and closes it after them. */
export function useWritesSim(): void {
  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: STEP_MS });
    ims = new ImsClient(sim);
    seeded = (await ims.admin('GET', '/catalog/cecstack')).body;
  });
  afterAll(() => sim.close());
}

export const sharedWithMe = () => seeded.lists.shared[0];
export const publicOnly = () => seeded.lists.public.find((id) => !seeded.lists.private.includes(id)) as string;
export const privateTotal = async () => (await ims.get('/private-images?current=1&size=1')).body.data.total as number;

export async function createdImage(overrides: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await ims.post('/private-images', createBody(overrides));
  expect(status).toBe(200);
  return body.data.imageId;
}

/** A created image taken through upload-prepare and upload-done to `active`. */
export async function activeImage(sizeBytes = 1024 * 1024): Promise<string> {
  const imageId = await createdImage({ minDisk: 1 });
  expect((await ims.post(`/private-images/${imageId}/upload-prepare`, { size: sizeBytes })).status).toBe(200);
  expect((await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success' })).status).toBe(200);
  await waitForStatus(ims, imageId, 'active');
  return imageId;
}
