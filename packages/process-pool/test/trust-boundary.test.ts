// Process workers stay inside their task (issue 25): a child process is not trusted to reach what
// it was not handed, to speak the protocol well, or to size its frames sensibly. Every test runs
// real child processes that misbehave on purpose (test/fixtures/rogue-tasks.mjs).
import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from '@weft/sync-primitives';
import {
  Pool,
  PoolOptionRangeError,
  WorkerExitedError,
  WorkerInitError,
  WorkerProtocolError,
  type PoolOptions,
} from '@weft/process-pool';
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

describe('a process worker that breaks the protocol is killed; the pool lives on', () => {
  async function expectKilled(pool: Pool<Tasks>, run: Promise<unknown>): Promise<void> {
    const error = (await run.catch((e: unknown) => e)) as WorkerExitedError;
    expect(error).toBeInstanceOf(WorkerExitedError);
    expect(error.cause).toBeInstanceOf(WorkerProtocolError);
    expect((error.cause as WorkerProtocolError).code).toBe('ERR_WEFT_POOL_WORKER_PROTOCOL');
    expect(await pool.apply(tasks.echo, ['still here'])).toBe('still here');
  }

  it('a frame on the call socket that cannot be decoded', async () => {
    const pool = makePool({ maxWorkers: 1 });
    await expectKilled(pool, pool.apply(tasks.badFrame, [[4, 0, 0, 0, 1, 2, 3, 4]]));
  });

  it('a decodable frame of the wrong shape', async () => {
    const pool = makePool({ maxWorkers: 1 });
    // v8 serialization of the number 1 (version header 0xff 0x0f, then 'I' zigzag 2).
    await expectKilled(pool, pool.apply(tasks.badFrame, [[4, 0, 0, 0, 0xff, 0x0f, 0x49, 0x02]]));
  });

  it('a calls message with null args', async () => {
    const pool = makePool({ maxWorkers: 1 });
    await expectKilled(
      pool,
      pool.apply(tasks.rawMessage, [{ t: 'calls', b: [1, 1, 1, 'get', null] }]),
    );
  });

  it('a results message that is not an array, and a message of unknown type', async () => {
    const pool = makePool({ maxWorkers: 1 });
    await expectKilled(pool, pool.apply(tasks.rawMessage, [{ t: 'done', r: 5 }]));
    await expectKilled(pool, pool.apply(tasks.rawMessage, [{ t: 'nonsense' }]));
    await expectKilled(pool, pool.apply(tasks.rawMessage, [null]));
  });

  it('a results message whose times are not a Float64Array of three per result', async () => {
    const pool = makePool({ maxWorkers: 1 });
    // [id, status, value] per result, its start, end and CPU time in `x`.
    await expectKilled(pool, pool.apply(tasks.rawMessage, [{ t: 'done', r: [1, 0, 1] }]));
    await expectKilled(
      pool,
      pool.apply(tasks.rawMessage, [{ t: 'done', r: [1, 0, 1], x: [0, 1, 1] }]),
    );
    await expectKilled(
      pool,
      pool.apply(tasks.rawMessage, [{ t: 'done', r: [1, 0, 1], x: new Float64Array(2) }]),
    );
  });

  it('an init-error whose errors is a number fails the start with WorkerInitError', async () => {
    const pool = makePool({
      maxWorkers: 1,
      minWorkers: 1,
      initializer: tasks.initRaw,
      initArgs: [
        {
          t: 'init-error',
          phase: 'initializer',
          module: 'x',
          error: {
            $weft: 'error',
            id: 0,
            type: 'AggregateError',
            name: 'AggregateError',
            message: 'm',
            errors: 5,
            data: {},
          },
        },
      ],
    });
    const error = await pool.ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerInitError);
    expect((error as WorkerInitError).cause).toBeInstanceOf(AggregateError);
  });
});

describe('blocking-call frames are bounded by maxCallFrameBytes', () => {
  it('a blocking put over the limit kills the worker with WorkerProtocolError; under it, it lands', async () => {
    const pool = makePool({ maxWorkers: 1, maxCallFrameBytes: 1024 * 1024 });
    // Room for the whole item in the ring, so the put needs no concurrent reader.
    const queue = new Queue<Uint8Array>({ capacityBytes: 4 * 1024 * 1024 });
    expect(await pool.apply(tasks.bigPut, [queue, 512 * 1024])).toEqual({ ok: true });
    expect(queue.size()).toBe(1);
    const error = (await pool
      .apply(tasks.bigPut, [queue, 2 * 1024 * 1024])
      .catch((e: unknown) => e)) as WorkerExitedError;
    expect(error).toBeInstanceOf(WorkerExitedError);
    expect(error.cause).toBeInstanceOf(WorkerProtocolError);
    expect((error.cause as Error).message).toContain('maxCallFrameBytes');
    expect(queue.size()).toBe(1);
    expect(await pool.apply(tasks.echo, [1])).toBe(1);
  });

  it('a header announcing 4 GiB is refused at the default limit before anything is allocated', async () => {
    const pool = makePool({ maxWorkers: 1 });
    const error = (await pool
      .apply(tasks.announce, [2 ** 32 - 1])
      .catch((e: unknown) => e)) as WorkerExitedError;
    expect(error.cause).toBeInstanceOf(WorkerProtocolError);
    expect((error.cause as Error).message).toContain(String(2 ** 30));
  });

  it('the option is checked at construction', () => {
    for (const bad of [0, -1, 1.5])
      expect(() => new Pool({ module: url, kind: 'process', maxCallFrameBytes: bad })).toThrow(
        PoolOptionRangeError,
      );
  });
});

describe('a process worker’s clock is not this process’s', () => {
  it('a result stamped after it arrived settles at its arrival, never in the future', async () => {
    const pool = makePool({ maxWorkers: 1 });
    const settled = new Promise<{ time: number; runMs: number }>((resolve) => {
      pool.on('task:settled', resolve);
    });
    // The pool's first task has id 1; the child answers for it with times a minute ahead, as a
    // child whose clock ran ahead of this one would.
    const ahead = performance.timeOrigin + performance.now() + 60_000;
    const times = new Float64Array([ahead - 2, ahead, 1]);
    await expect(
      pool.apply(tasks.rawMessage, [{ t: 'done', r: [1, 0, 'v'], x: times }]),
    ).resolves.toBe('v');
    const after = performance.timeOrigin + performance.now();
    const info = await settled;
    expect(info.time).toBeLessThanOrEqual(after);
    expect(info.runMs).toBeGreaterThanOrEqual(0);
  });
});
