import { AnswerCache, CachedPage } from './answer-cache';

const pageOf = (items: string): CachedPage => ({ itemsJson: Buffer.from(items), page: { limit: 1, total: 1, nextCursor: null }, countByProvider: { a: 1 } });

describe('AnswerCache', () => {
  it('keeps pages within its bound, dropping the least recently used first', () => {
    const cache = new AnswerCache(10);
    cache.set('one', pageOf('1234'));
    cache.set('two', pageOf('5678'));
    expect(cache.get('one')?.itemsJson.toString()).toBe('1234');
    cache.set('three', pageOf('901'));
    expect([cache.get('one')?.itemsJson.toString(), cache.get('two'), cache.get('three')?.itemsJson.toString()]).toEqual(['1234', undefined, '901']);
    cache.set('four', pageOf('abcd'));
    expect([cache.get('one'), cache.get('three')?.itemsJson.toString(), cache.get('four')?.itemsJson.toString()]).toEqual([undefined, '901', 'abcd']);
    expect(cache.size).toBe(2);
  });

  it('replaces a key without counting it twice, and never holds a page larger than the bound', () => {
    const cache = new AnswerCache(10);
    cache.set('k', pageOf('12345678'));
    cache.set('k', pageOf('87654321'));
    cache.set('other', pageOf('12'));
    expect([cache.get('k')?.itemsJson.toString(), cache.get('other')?.itemsJson.toString()]).toEqual(['87654321', '12']);
    cache.set('huge', pageOf('x'.repeat(11)));
    expect([cache.get('huge'), cache.size]).toEqual([undefined, 2]);
  });

  it("holds frozen copies: neither the caller's object nor a reader can change what another answer gets", () => {
    const cache = new AnswerCache(100);
    const original = pageOf('[]');
    cache.set('k', original);
    (original as { countByProvider: object }).countByProvider = { a: 99 };
    const held = cache.get('k')!;
    expect(held.countByProvider).toEqual({ a: 1 });
    expect(Object.isFrozen(held) && Object.isFrozen(held.page) && Object.isFrozen(held.countByProvider)).toBe(true);
    expect(() => { (held.page as { total: number }).total = 5; }).toThrow(TypeError);
  });
});
