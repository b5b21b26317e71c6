import { loggableUrl } from './request-hooks';

describe('the access log URL', () => {
  it('keeps paths and ordinary queries as they are', () => {
    expect(loggableUrl('/images/cecstack:img-1')).toBe('/images/cecstack:img-1');
    expect(loggableUrl('/images?provider=didi,ucloud&name=web&limit=5')).toBe('/images?provider=didi,ucloud&name=web&limit=5');
  });

  it('never shows the value of a parameter named like a credential', () => {
    expect(loggableUrl('/images?api_key=k-123&limit=5&access_token=t-9&Signature=abc&password')).toBe('/images?api_key=[REDACTED]&limit=5&access_token=[REDACTED]&Signature=[REDACTED]&password=[REDACTED]');
    expect(loggableUrl('/events?ticket=est_abc&type=image.added')).toBe('/events?ticket=[REDACTED]&type=image.added');
    expect(loggableUrl('/events?%74icket=est_abc&api%5Fkey=k&bad=%E0%A4%A')).toBe('/events?%74icket=[REDACTED]&api%5Fkey=[REDACTED]&bad=%E0%A4%A');
  });
});
