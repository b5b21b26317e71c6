/**
 * Every per-image route of API.md section 7 as [method, suffix after /images/{id}, a valid body]: tests walk it to
 * check routing, 404s and 501s on each. Three entries each: jest hands a test with more parameters than its row a `done` callback.
 */
export const IMAGE_SUB_ROUTES: ReadonlyArray<[string, string, unknown]> = [
  ['PATCH', '', { name: 'x' }],
  ['DELETE', '', undefined],
  ['POST', '/copy', { name: 'x' }],
  ['POST', '/upload', { sizeBytes: 10 }],
  ['POST', '/upload/complete', { result: 'success' }],
  ['GET', '/file', undefined],
  ['GET', '/shares', undefined],
  ['POST', '/shares', { userIds: ['u1'] }],
  ['DELETE', '/shares/u1', undefined],
  ['GET', '/export-targets', undefined],
  ['POST', '/export', { bucket: { name: 'b', azId: 'a', cellId: 'c' } }],
];
