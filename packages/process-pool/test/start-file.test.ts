// A process worker records each task's start in a file the pool opened for it (start-signal.ts):
// the file is unlinked at once and its descriptor closed once the worker's exit was handled.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WorkerExitedError } from '@weft/process-pool';
import { makePool, tasks } from './helpers.js';

const hasProc = existsSync('/proc/self/fd');
const openFds = (): number => readdirSync('/proc/self/fd').length;
const startFiles = (): string[] =>
  existsSync('/dev/shm') ? readdirSync('/dev/shm').filter((f) => f.startsWith('weft-start-')) : [];

describe.runIf(hasProc)('start file of process workers', () => {
  it('leaves no file behind and no descriptor open once its workers exited (a crash included)', async () => {
    const before = openFds();
    const pool = makePool('process', { maxWorkers: 2, minWorkers: 2 });
    await pool.ready();
    expect(startFiles()).toEqual([]);
    await expect(pool.apply(tasks.exit, [3])).rejects.toBeInstanceOf(WorkerExitedError);
    await expect(pool.apply(tasks.add, [1, 2])).resolves.toBe(3);
    await pool.terminate();
    expect(openFds()).toBe(before);
    expect(startFiles()).toEqual([]);
  });
});
