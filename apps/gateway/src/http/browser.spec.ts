import { helmetHeaders } from './browser';

describe('helmetHeaders', () => {
  it("is helmet's header set for the options, without a CSP (chosen per path)", () => {
    const headers = helmetHeaders({ referrerPolicy: { policy: 'no-referrer' }, crossOriginResourcePolicy: { policy: 'same-origin' } });
    expect(headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Frame-Options': 'SAMEORIGIN',
      'Strict-Transport-Security': expect.stringContaining('max-age='),
    });
    expect(headers['Content-Security-Policy']).toBeUndefined();
    expect(Object.isFrozen(headers)).toBe(true);
  });

  it('leaves out a header whose option is off', () => {
    expect(helmetHeaders({ crossOriginResourcePolicy: false })['Cross-Origin-Resource-Policy']).toBeUndefined();
  });
});
