import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

// The bytes of a simulated image file: a function of the image id and the offset, so any range of a file can be
// made without the bytes before it, and a Range answer is exactly that slice of the full file. A prime period
// keeps the pattern out of step with chunk and page boundaries; the period counter makes repeats differ.

const PATTERN_PERIOD = 65_521;
const CHUNK_BYTES = 64 * 1024;

/** The per-image pattern: SHA-256 of the id, extended by hashing a counter. */
export function imagePattern(imageId: string): Buffer {
  const pattern = Buffer.alloc(PATTERN_PERIOD);
  for (let block = 0; block * 32 < PATTERN_PERIOD; block++) {
    createHash('sha256').update(`${imageId}:${block}`).digest().copy(pattern, block * 32);
  }
  return pattern;
}

/** Bytes [offset, offset + length) of the file whose pattern this is. */
export function imageBytes(pattern: Buffer, offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let index = offset % PATTERN_PERIOD;
  let period = Math.floor(offset / PATTERN_PERIOD) & 0xff;
  for (let k = 0; k < length; k++) {
    out[k] = pattern[index] ^ period;
    if (++index === PATTERN_PERIOD) {
      index = 0;
      period = (period + 1) & 0xff;
    }
  }
  return out;
}

/**
 * Streams bytes [start, endExclusive) of a file, one chunk per `_read`: a chunk is only made when the consumer
 * asks for more, so a slow reader holds the generator back and memory stays at about one high-water mark.
 */
export class GeneratedImageStream extends Readable {
  private position: number;

  constructor(
    private readonly pattern: Buffer,
    start: number,
    private readonly endExclusive: number,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.position = start;
  }

  override _read(): void {
    if (this.position >= this.endExclusive) {
      this.push(null);
      return;
    }
    const length = Math.min(CHUNK_BYTES, this.endExclusive - this.position);
    const chunk = imageBytes(this.pattern, this.position, length);
    this.position += length;
    this.push(chunk);
  }
}

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/**
 * One `Range: bytes=…` range (RFC 9110 §14): `a-b`, `a-` or `-n`, the end clipped to the file. Null (serve the
 * whole file) when there is no header, it is not a single bytes range, or it is malformed, as the RFC lets a
 * server ignore such a header; 'unsatisfiable' when it starts beyond the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
