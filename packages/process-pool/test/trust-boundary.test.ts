// Process workers stay inside their task (issue 25): a child process is not trusted to reach what
// it was not handed, to speak the protocol well, or to size its frames sensibly. Every test runs
// real child processes that misbehave on purpose (test/fixtures/rogue-tasks.mjs).
import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from '@weft/sync-primitives';
import { Pool, type PoolOptions } from '@weft/process-pool';
import type * as RogueTasks from './fixtures/rogue-tasks.mjs';

type Tasks = typeof RogueTasks;
const url = new URL('./fixtures/rogue-tasks.mjs', import.meta.url);
const tasks = (await import(url.href)) as Tasks;

const live: Pool<Tasks>[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((pool) => pool.terminate()));
});

function makePool(options: Partial<PoolOptions> = {}): Pool<Tasks> {
  const pool = new Pool<Tasks>({
    module: url,
    kind: 'process',
    maxWorkers: 2,
    prefetch: 1,
    ...options,
  });
  live.push(pool);
  return pool;
}

describe('a process worker reaches only the queues and pipes it was handed', () => {
  it('a task handed nothing cannot read another task’s queue by guessing its id', async () => {
    const pool = makePool();
    const secret = new Queue<string>();
    secret.put('secret');
    const gate = new Queue<number>();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const holder = pool.apply(tasks.holdUntil, [secret, gate], { onStart: () => started() });
    holder.catch(() => undefined);
    await running;
    // Registry ids are small integers from 1: the holder's two queues are among 1..4.
    const answers = await pool.apply(tasks.probe, [[1, 2, 3, 4], 6]);
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers)
      expect(answer).toMatchObject({ ok: false, error: 'InvalidHandleError' });
    expect(secret.size()).toBe(1);
    gate.put(1);
    expect(await holder).toBe(1);
  });
});
