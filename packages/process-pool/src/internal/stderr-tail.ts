// The last few KiB a worker wrote to stderr, kept when the pool's `stderr` option is 'capture', so
// a worker that dies takes its last words (a native "FATAL ERROR … heap out of memory" stack, an
// uncaught error) into the error its tasks get instead of into the program's own stderr.
import type { Readable } from 'node:stream';

/** How much of a worker's stderr is kept: the last 8 KiB. */
export const STDERR_TAIL_BYTES: number = 8 * 1024;

/** A bounded buffer of the bytes most recently read from one stream. */
export class StderrTail {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  /** Resolves once the stream has ended (or failed): everything it will say has been read. */
  readonly ended: Promise<void>;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer | string) => this.#push(chunk));
    this.ended = new Promise((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
  }

  #push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#chunks.push(bytes);
    this.#bytes += bytes.length;
    // Drop whole chunks from the front while what is left still covers the limit.
    while (this.#bytes - this.#chunks[0]!.length >= STDERR_TAIL_BYTES)
      this.#bytes -= this.#chunks.shift()!.length;
  }

  /** The kept text (at most {@link STDERR_TAIL_BYTES} bytes), or `undefined` if none was written. */
  text(): string | undefined {
    if (this.#bytes === 0) return undefined;
    let all = Buffer.concat(this.#chunks, this.#bytes);
    if (all.length > STDERR_TAIL_BYTES) {
      let start = all.length - STDERR_TAIL_BYTES;
      // Never start in the middle of a UTF-8 character.
      while (start < all.length && (all[start]! & 0xc0) === 0x80) start++;
      all = all.subarray(start);
    }
    return all.toString('utf8');
  }
}
