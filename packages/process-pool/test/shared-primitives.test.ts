// @weft/sync-primitives objects as task arguments (handles of sync-primitives/src/shared-handle.ts):
// revived in thread workers,
// refused for process workers, and abandoned when their owner thread dies.
import { describe, expect, it } from 'vitest';
import { Mutex } from '@weft/sync-primitives';
import { ArgumentNotSendableError, WorkerExitedError } from '@weft/process-pool';
import { makePool, tasks } from './helpers.js';

describe('shared primitives as arguments', () => {
  it('arrive revived in thread workers: pool.apply(increment, [counter, mutex]) just works', async () => {
    const pool = makePool('thread', { maxWorkers: 2 });
    const sab = new SharedArrayBuffer(4);
    const mutex = new Mutex();
    const names = await Promise.all([
      pool.apply(tasks.lockedIncrement, [sab, mutex, 2000]),
      pool.apply(tasks.lockedIncrement, [sab, mutex, 2000]),
    ]);
    expect(names).toEqual([true, true]);
    expect(new Int32Array(sab)[0]).toBe(4000);
  });

  it('are rejected for process workers, naming the argument', async () => {
    const pool = makePool('process');
    const error = (await pool
      .apply(tasks.lockedIncrement, [new SharedArrayBuffer(4), new Mutex(), 1])
      .catch((e: unknown) => e)) as ArgumentNotSendableError;
    expect(error).toBeInstanceOf(ArgumentNotSendableError);
    expect(error.position).toBe('args[0]');
    const second = (await pool
      .apply(tasks.dieHolding, [new Mutex()])
      .catch((e: unknown) => e)) as ArgumentNotSendableError;
    expect(second.position).toBe('args[0]');
  });

  it('a lock held by a thread worker that dies is marked abandoned for the next acquirer', async () => {
    const pool = makePool('thread', { maxWorkers: 1 });
    const mutex = new Mutex();
    await expect(pool.apply(tasks.dieHolding, [mutex])).rejects.toBeInstanceOf(WorkerExitedError);
    expect(mutex.isAbandoned()).toBe(true);
    expect(() => mutex.acquire()).toThrow(
      expect.objectContaining({ name: 'AbandonedLockError' }) as Error,
    );
    expect(mutex.locked()).toBe(true);
    mutex.release();
  });
});
