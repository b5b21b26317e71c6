import { parseSseFrame } from '@images/client';
import { SSE_HEARTBEAT, sseFrame } from './sse';

describe('SSE framing', () => {
  it('writes id, event and one data line of JSON, ended by a blank line', () => {
    expect(sseFrame({ id: '1-0', event: 'image.added', data: { a: 1 } })).toBe('id: 1-0\nevent: image.added\ndata: {"a":1}\n\n');
  });

  it('keeps a line break in a value from starting a field of its own', () => {
    const text = sseFrame({ id: '1-0\nevent: evil', event: 'x\r\ny', data: { name: 'two\nlines' } });
    expect(text.split('\n').filter((line) => line.startsWith('event:'))).toEqual(['event: xy']);
    expect(parseSseFrame(text)).toEqual({ id: '1-0event: evil', event: 'xy', data: '{"name":"two\\nlines"}' });
  });

  it('sends retry first when given, and heartbeats as comments a parser ignores', () => {
    expect(sseFrame({ retry: 3000, event: 'reset', data: {} })).toBe('retry: 3000\nevent: reset\ndata: {}\n\n');
    expect(parseSseFrame(SSE_HEARTBEAT)).toBeNull();
  });
});
