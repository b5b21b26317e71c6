import { ArgumentMetadata } from '@nestjs/common';
import { GatewayError } from '@images/core';
import { ListImagesQuery } from '../images/dto/list-images.query';
import { StrictValidationPipe } from './validation';

const asQuery: ArgumentMetadata = { type: 'query', metatype: ListImagesQuery, data: undefined };

describe('StrictValidationPipe on queries', () => {
  it('answers a repeated query with the DTO it made the first time, frozen to the last array', async () => {
    const pipe = new StrictValidationPipe();
    const first = (await pipe.transform({ limit: '10', status: 'available,pending' }, asQuery)) as ListImagesQuery;
    const again = await pipe.transform({ limit: '10', status: 'available,pending' }, asQuery);
    expect(first).toBeInstanceOf(ListImagesQuery);
    expect(first).toMatchObject({ limit: 10, status: ['available', 'pending'] });
    expect(again).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.status)).toBe(true);
    // Another query is validated on its own.
    expect(await pipe.transform({ limit: '11' }, asQuery)).toMatchObject({ limit: 11 });
  });

  it('refuses a bad query every time it comes (a refusal is never remembered as valid)', async () => {
    const pipe = new StrictValidationPipe();
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ limit: 'abc' }, asQuery)).rejects.toBeInstanceOf(GatewayError);
      await expect(pipe.transform({ limit: '10', colour: 'red' }, asQuery)).rejects.toThrow(/colour is not a known parameter/);
    }
  });

  it('remembers a bounded number of queries, the oldest forgotten first', async () => {
    const pipe = new StrictValidationPipe();
    const first = await pipe.transform({ name: 'q0' }, asQuery);
    for (let i = 1; i <= 256; i++) await pipe.transform({ name: `q${i}` }, asQuery);
    const second = await pipe.transform({ name: 'q256' }, asQuery);
    expect(await pipe.transform({ name: 'q256' }, asQuery)).toBe(second);
    // q0 was pushed out by 256 newer queries: validated again, a new DTO with the same values.
    const q0 = await pipe.transform({ name: 'q0' }, asQuery);
    expect(q0).not.toBe(first);
    expect(q0).toEqual(first);
  });
});
