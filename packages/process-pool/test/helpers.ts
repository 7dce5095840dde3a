// Shared test helpers: the fixture URL, a pool factory that always cleans up, and an event waiter.
import { afterEach, it } from 'vitest';
import { Pool, type PoolEvents, type PoolOptions } from '@weft/process-pool';
import type * as TasksModule from './fixtures/tasks.mjs';

export const tasksUrl: URL = new URL('./fixtures/tasks.mjs', import.meta.url);
export type Tasks = typeof TasksModule;
export const tasks: Tasks = (await import(tasksUrl.href)) as Tasks;

const live: Pool<object>[] = [];

afterEach(async () => {
  await Promise.all(live.splice(0).map((pool) => pool.terminate()));
});

/** A pool over the test fixtures, terminated after each test. */
export function makePool(
  kind: 'thread' | 'process',
  options: Partial<PoolOptions> = {},
): Pool<Tasks> {
  const pool = new Pool<Tasks>({ module: tasksUrl, kind, maxWorkers: 2, ...options });
  live.push(pool);
  return pool;
}

/** Resolve with the next payload of `event`. */
export function next<E extends keyof PoolEvents>(
  pool: Pool<object>,
  event: E,
): Promise<PoolEvents[E][0]> {
  return new Promise((resolve) => {
    (pool as unknown as { once(e: string, l: (p: PoolEvents[E][0]) => void): void }).once(
      event,
      resolve,
    );
  });
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const kinds = ['thread', 'process'] as const;

/**
 * `it` for a test that only has a meaning on one worker kind (a SIGKILL of a child, transfer to a
 * thread): on the other kind the test is not registered at all, rather than reported as skipped.
 */
export function itOn(
  only: (typeof kinds)[number],
  current: (typeof kinds)[number],
): (name: string, fn: () => Promise<void>) => void {
  return only === current ? (name, fn) => it(name, fn) : () => undefined;
}
