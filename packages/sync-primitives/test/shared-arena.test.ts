// SharedArena and placement of primitives in a caller's buffer.
import { describe, expect, it } from 'vitest';
import {
  ArenaFullError,
  InvalidArgumentError,
  InvalidBufferError,
  Mutex,
  Semaphore,
  SharedArena,
  reviveShared,
} from '@weft/sync-primitives';

describe('SharedArena', () => {
  describe('allocate()', () => {
    it('packs a thousand mutexes into one buffer, each an independent lock', () => {
      const arena = new SharedArena(8 + 1000 * Mutex.byteLength);
      const locks = Array.from({ length: 1000 }, () => new Mutex(arena.allocate(Mutex.byteLength)));
      expect(new Set(locks.map((l) => l.toHandle().buffer)).size).toBe(1);
      locks[3]!.acquire();
      expect(locks[2]!.locked()).toBe(false);
      expect(locks[4]!.locked()).toBe(false);
      expect((reviveShared(locks[3]!.toHandle()) as Mutex).locked()).toBe(true);
      expect(arena.remaining).toBe(0);
    });

    it('aligns regions', () => {
      const arena = new SharedArena(1024);
      arena.allocate(4);
      expect(arena.allocate(Mutex.byteLength, 64).byteOffset % 64).toBe(0);
      expect(() => arena.allocate(4, 3)).toThrow(InvalidArgumentError);
    });

    it('throws ArenaFullError when the region does not fit', () => {
      const arena = new SharedArena(16);
      arena.allocate(8);
      expect(() => arena.allocate(4)).toThrow(ArenaFullError);
    });

    it('continues from the cursor stored in the buffer', () => {
      const arena = new SharedArena(64);
      const first = arena.allocate(8);
      const again = new SharedArena({ buffer: arena.buffer });
      expect(again.allocate(8).byteOffset).toBe(first.byteOffset + 8);
    });
  });
});

describe('placement options', () => {
  it.each([
    ['a misaligned byteOffset', { buffer: new SharedArrayBuffer(64), byteOffset: 2 }],
    ['a region past the end', { buffer: new SharedArrayBuffer(16), byteOffset: 8 }],
    ['an ArrayBuffer', { buffer: new ArrayBuffer(64) as unknown as SharedArrayBuffer }],
    ['a byteOffset without a buffer', { byteOffset: 8 }],
  ])('reject %s with InvalidBufferError', (_what, options) => {
    expect(() => new Mutex(options)).toThrow(InvalidBufferError);
    try {
      new Mutex(options);
    } catch (error) {
      expect((error as InvalidBufferError).code).toBe('ERR_WEFT_INVALID_BUFFER');
    }
  });

  it('place two primitives side by side in one buffer', () => {
    const buffer = new SharedArrayBuffer(Mutex.byteLength + Semaphore.byteLength);
    const mutex = new Mutex({ buffer, byteOffset: 0 });
    const sem = new Semaphore(2, { buffer, byteOffset: Mutex.byteLength });
    mutex.acquire();
    expect(sem.value).toBe(2);
    expect(sem.toHandle().byteOffset).toBe(Mutex.byteLength);
  });
});
