import { Image, distinctById, imageId, parseImageId } from './image';

const image = (provider: string, id: string, name: string) => ({ id: imageId(provider, id), provider, providerImageId: id, name }) as Image;

describe('image ids', () => {
  it('splits at the first colon only: vendor ids may contain colons', () => {
    expect(parseImageId('didi:abc')).toEqual({ provider: 'didi', providerImageId: 'abc' });
    expect(parseImageId('cecstack:img:with:colons')).toEqual({ provider: 'cecstack', providerImageId: 'img:with:colons' });
    for (const bad of ['', 'nocolon', ':x', 'x:']) expect(parseImageId(bad)).toBeNull();
  });
});

describe('distinctById', () => {
  it('keeps the first image of each id, in order', () => {
    const first = image('p', 'a', 'first');
    const other = image('p', 'b', 'other');
    const repeat = image('p', 'a', 'second');
    expect(distinctById([first, other, repeat])).toEqual([first, other]);
  });
});
