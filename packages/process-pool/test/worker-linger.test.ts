// A thread worker's linger after its queue runs empty (worker-runner.ts #spinForMore), driven
// directly: it starts a poll of its port only while the pool's look flag is up (look-flag.ts), and
// polls as before where the pool gave no flag. The port is a stand-in that counts
// the polls; the clock is the real one (nothing here asserts a time).
import { AsyncLocalStorage } from 'node:async_hooks';
import type * as WorkerThreads from 'node:worker_threads';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskContext } from '../src/internal/worker-context.js';

const port = vi.hoisted(() => ({
  polls: 0,
  /** What the next poll takes off the port (then nothing again). */
  next: undefined as object | undefined,
}));
vi.mock('node:worker_threads', async (importOriginal) => ({
  ...(await importOriginal<typeof WorkerThreads>()),
  parentPort: {},
  receiveMessageOnPort: () => {
    port.polls++;
    const message = port.next;
    port.next = undefined;
    return message === undefined ? undefined : { message };
  },
}));
vi.mock('../src/internal/worker-env.js', () => ({
  isThread: true,
  post: () => undefined,
  clone: (value: unknown) => void structuredClone(value),
  now: () => performance.now(),
  cpuNow: () => 0,
}));

const { TaskRunner } = await import('../src/internal/worker-runner.js');
const { loadModules } = await import('../src/internal/worker-modules.js');
await loadModules([new URL('./fixtures/tasks.mjs', import.meta.url).href]);

const FUNCTIONS = ['add'];
const addTask = (id: number): unknown[] => [id, 0, [id, 1], 0];

/** The pool's look flag as the runner reads it. */
interface Flag {
  up: boolean;
}

/** A ready runner; with `flag`, it reads that look flag (kept down while it gets ready). */
function makeRunner(flag?: Flag): InstanceType<typeof TaskRunner> {
  const runner = new TaskRunner(new AsyncLocalStorage<TaskContext>(), () => undefined);
  runner.functions(FUNCTIONS.flatMap((name) => [0, name]));
  const wanted = flag?.up ?? false;
  if (flag !== undefined) {
    flag.up = false;
    runner.poolLooks = () => flag.up;
  }
  runner.on('ready');
  if (flag !== undefined) flag.up = wanted;
  return runner;
}

beforeEach(() => {
  port.polls = 0;
  port.next = undefined;
});

describe('a thread worker lingers only while the pool looks', () => {
  it('does not poll its port while the flag is down', () => {
    const runner = makeRunner({ up: false });
    for (let id = 1; id <= 20; id++) runner.tasks(addTask(id));
    expect(port.polls).toBe(0);
    expect(runner.phase).toBe('idle');
  });

  it('polls while the flag is up, and takes a task found there without an event-loop turn', () => {
    const runner = makeRunner({ up: true });
    port.next = { t: 'run', b: addTask(2) };
    runner.tasks(addTask(1));
    // Task 1 ran, the poll found task 2 and ran it, then a window without a message ended it.
    expect(port.polls).toBeGreaterThan(1);
    expect(runner.phase).toBe('idle');
  });

  it('polls as before where the pool gave no flag', () => {
    makeRunner(); // its queue is empty once ready: it lingers there
    expect(port.polls).toBeGreaterThan(0);
  });
});
