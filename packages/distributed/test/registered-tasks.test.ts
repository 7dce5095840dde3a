// A weft-worker runs only the tasks it was started with. Jobs are written straight into the queue
// with BullMQ's own Queue.add (as anyone who can write to Redis could), naming a builtin, a data:
// URL, an unregistered module or a non-function export, or carrying malformed data: each fails
// with a typed error, and a marker file proves that nothing ran or loaded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Queue, QueueEvents } from 'bullmq';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import {
  BullMQExecutor,
  InvalidOptionError,
  TaskModuleLoadError,
  TaskNotRegisteredError,
  startWorker,
} from '@weft/distributed';
import type { SerializedError } from '@weft/sync-primitives';
import * as tasks from './fixtures/tasks.mjs';
import * as unregistered from './fixtures/unregistered.mjs';
import { freshQueue, killAllWorkers, spawnWorker, TASKS_URL } from './helpers.js';
import type { WorkerProcess } from './helpers.js';

const redisUrl = inject('redisUrl');
const noRedis = redisUrl === '';
const UNREGISTERED_URL = new URL('./fixtures/unregistered.mjs', import.meta.url).href;
const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllWorkers();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-registered-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A weft-worker started as the README starts it, with the fixture module given by path. */
function worker(queue: string, ...extra: string[]): Promise<WorkerProcess> {
  return spawnWorker([
    '--redis',
    redisUrl,
    '--queue',
    queue,
    '--kind',
    'inline',
    '--concurrency',
    '1',
    '--tasks',
    './test/fixtures/tasks.mjs',
    ...extra,
  ]);
}

interface FlatError {
  readonly ctor: string;
  readonly message: string;
  readonly props: Record<string, unknown>;
}

/**
 * Adds `data` as a job with BullMQ's own client, waits for it to finish, and returns how it ended
 * and the error the worker reported for it (the flattened form callers rebuild).
 */
async function addRaw(
  queue: string,
  data: unknown,
): Promise<{ outcome: string; reported: FlatError | undefined }> {
  const admin = new Queue(queue, { connection: { url: redisUrl } });
  // From the stream's start (a fresh queue's few events), not from '$': QueueEvents issues its first
  // XREAD a moment after it reports ready, and a job refused in that moment was never seen.
  const events = new QueueEvents(queue, { connection: { url: redisUrl }, lastEventId: '0-0' });
  cleanups.push(() => events.close());
  cleanups.push(() => admin.close());
  await events.waitUntilReady();
  const job = await admin.add('raw', data, { attempts: 3 });
  const outcome = await job.waitUntilFinished(events, 20_000).then(
    () => 'completed',
    (error: unknown) => `failed: ${(error as Error).message}`,
  );
  const after = await admin.getJob(job.id!);
  const settle = (after?.progress as { weft?: { error?: string } } | undefined)?.weft;
  const reported =
    settle?.error === undefined
      ? undefined
      : flatView(deserialize(Buffer.from(settle.error, 'base64')) as SerializedError);
  return { outcome, reported };
}

/** The wire form's class name, message and plain property values, as the assertions read them. */
function flatView(wire: SerializedError): FlatError {
  const props = Object.fromEntries(
    Object.entries(wire.data).map(([key, node]) => [
      key,
      node.$weft === 'value' ? node.value : node,
    ]),
  );
  return { ctor: wire.type, message: wire.message, props };
}

function args(list: unknown[]): string {
  return serialize(list).toString('base64');
}

describe.skipIf(noRedis)('weft-worker runs only registered tasks', () => {
  it('refuses a job naming node:child_process / execFileSync: nothing runs', async () => {
    const queue = freshQueue('rce-builtin');
    const w = await worker(queue);
    const marker = join(tempDir(), 'pwned');
    const { outcome, reported } = await addRaw(queue, {
      weft: 1,
      module: 'node:child_process',
      export: 'execFileSync',
      args: args(['touch', [marker]]),
    });
    expect(outcome).toMatch(/^failed: .*not a registered task/);
    expect(reported?.ctor).toBe('TaskNotRegisteredError');
    expect(reported?.props['code']).toBe('ERR_WEFT_TASK_NOT_REGISTERED');
    expect(reported?.props['module']).toBe('node:child_process');
    expect(existsSync(marker)).toBe(false);
    // Failed at once: no retries although the job had 3 attempts.
    const settles = w.events.filter((e) => e.type === 'job:settled');
    expect(settles).toHaveLength(1);
    expect(settles[0]!['error']).toMatch(/^TaskNotRegisteredError: /);
  });

  it('never imports a data: URL a job names (its top level would write the marker)', async () => {
    const queue = freshQueue('rce-data');
    await worker(queue);
    const marker = join(tempDir(), 'imported');
    const source =
      `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x');` +
      ' export function run() { return 1; }';
    const { outcome, reported } = await addRaw(queue, {
      weft: 1,
      module: `data:text/javascript,${encodeURIComponent(source)}`,
      export: 'run',
      args: args([]),
    });
    expect(outcome).toMatch(/^failed: .*not a registered task/);
    expect(reported?.ctor).toBe('TaskNotRegisteredError');
    expect(existsSync(marker)).toBe(false);
  });

  it.each(['nope', 'notATask', '__proto__', 'constructor', 'toString'])(
    'refuses export %j of a registered module, which is not one of its exported functions',
    async (exportName) => {
      const queue = freshQueue('not-a-task');
      await worker(queue);
      const { outcome, reported } = await addRaw(queue, {
        weft: 1,
        module: TASKS_URL,
        export: exportName,
        args: args([]),
      });
      expect(outcome).toMatch(/^failed: /);
      expect(reported?.ctor).toBe('TaskNotRegisteredError');
      expect(reported?.props['exportName']).toBe(exportName);
    },
  );

  it('rejects a call of an unregistered module with TaskNotRegisteredError, without retries, and never loads it', async () => {
    const queue = freshQueue('unregistered');
    const w = await worker(queue);
    // The caller knows both modules; the worker was started with tasks.mjs only.
    const ex = new BullMQExecutor({
      connection: redisUrl,
      queue,
      tasks: [TASKS_URL, UNREGISTERED_URL],
    });
    cleanups.push(() => ex.terminate());
    const marker = join(tempDir(), 'ran');
    const error = (await ex
      .apply(unregistered.touch, [marker], { retry: { attempts: 3 } })
      .catch((e: unknown) => e)) as TaskNotRegisteredError;
    expect(error).toBeInstanceOf(TaskNotRegisteredError);
    expect(error.code).toBe('ERR_WEFT_TASK_NOT_REGISTERED');
    expect(error.module).toBe(UNREGISTERED_URL);
    expect(error.exportName).toBe('touch');
    expect(error.registered).toContain(TASKS_URL);
    expect(existsSync(marker)).toBe(false);
    // The worker reports the job settled a moment after the caller hears of it: wait for it.
    await vi.waitFor(
      () => expect(w.events.filter((e) => e.type === 'job:settled')).toHaveLength(1),
      { timeout: 10_000 },
    );
    // The registered module (given by path, called by URL) still runs.
    expect(await ex.apply(tasks.add, [2, 3])).toBe(5);
  });

  it.each([
    ['not an object', 'hello', /not a Weft job/],
    ['no wire version', { module: TASKS_URL, export: 'add', args: args([1, 2]) }, /not a Weft job/],
    [
      'another wire version',
      { weft: 2, module: TASKS_URL, export: 'add', args: args([1, 2]) },
      /wire version 2/,
    ],
    [
      'an export that is not a string',
      { weft: 1, module: TASKS_URL, export: 7, args: '' },
      /"export"/,
    ],
    [
      'a module id over the length limit',
      { weft: 1, module: 'x'.repeat(5000), export: 'add', args: args([]) },
      /"module" is 5000 characters/,
    ],
    [
      'arguments that are not a serialized list',
      { weft: 1, module: TASKS_URL, export: 'add', args: args([{ a: 1 }]).slice(4) },
      /arguments do not decode/,
    ],
    [
      'arguments that decode to something other than a list',
      { weft: 1, module: TASKS_URL, export: 'add', args: serialize({ 0: 1 }).toString('base64') },
      /other than a list/,
    ],
    [
      'a JSON list of arguments holding an object',
      { weft: 1, module: TASKS_URL, export: 'add', args: [1, { a: 2 }] },
      /JSON list of arguments holds something other than/,
    ],
    [
      'arguments that are neither a serialized list nor a JSON list',
      { weft: 1, module: TASKS_URL, export: 'add', args: 12 },
      /neither a serialized list/,
    ],
    [
      'a bad backoff',
      {
        weft: 1,
        module: TASKS_URL,
        export: 'add',
        args: args([1, 2]),
        backoff: { type: 'exponential', delay: 1, factor: Number.NaN },
      },
      /backoff\.factor/,
    ],
  ])('refuses job data with %s, with JobDataInvalidError', async (_label, data, reason) => {
    const queue = freshQueue('bad-data');
    await worker(queue);
    const { outcome, reported } = await addRaw(queue, data);
    expect(outcome).toMatch(/^failed: Job \S+ was refused/);
    expect(reported?.ctor).toBe('JobDataInvalidError');
    expect(reported?.props['code']).toBe('ERR_WEFT_JOB_DATA_INVALID');
    expect(String(reported?.props['reason'])).toMatch(reason);
  });

  it('refuses arguments over --max-args-bytes without decoding them, in either form', async () => {
    const queue = freshQueue('big-args');
    await worker(queue, '--max-args-bytes', '3000');
    // 8000 base64 characters that are not even a serialized value: decoding would fail differently.
    const { reported } = await addRaw(queue, {
      weft: 1,
      module: TASKS_URL,
      export: 'echo',
      args: 'A'.repeat(8000),
    });
    expect(reported?.ctor).toBe('JobDataInvalidError');
    expect(String(reported?.props['reason'])).toMatch(
      /about 6000 bytes, over this worker's limit of 3000/,
    );
    // The same limit for arguments that travel as a JSON list.
    const json = await addRaw(queue, {
      weft: 1,
      module: TASKS_URL,
      export: 'echo',
      args: ['x'.repeat(5000)],
    });
    expect(json.reported?.ctor).toBe('JobDataInvalidError');
    expect(String(json.reported?.props['reason'])).toMatch(
      /about 5000 bytes, over this worker's limit of 3000/,
    );
  });

  it('refuses to start without task modules, saying what to pass', async () => {
    const error = await spawnWorker(['--redis', redisUrl]).catch((e: unknown) => e);
    expect(String(error)).toMatch(/exited \(2\).*no task modules: pass --tasks <module>/s);
  });

  it('says that --module was replaced by --tasks', async () => {
    const error = await spawnWorker(['--redis', redisUrl, '--module', 'a=b']).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/exited \(2\).*--module was replaced by --tasks/s);
  });

  it.each([
    'node:child_process',
    'child_process',
    'data:text/javascript,export function a() {}',
    'https://example.com/x.js',
  ])('refuses %s as a task module', async (spec) => {
    const error = await spawnWorker(['--redis', redisUrl, '--tasks', spec]).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/exited \(1\).*Invalid option "tasks\[0\]".*never task modules/s);
  });

  it('startWorker() needs task modules and loads them before connecting', async () => {
    for (const given of [undefined, []]) {
      const error = (await startWorker({
        connection: redisUrl,
        queue: 'q',
        tasks: given as never,
      }).catch((e: unknown) => e)) as InvalidOptionError;
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error.option).toBe('tasks');
      expect(error.message).toMatch(/at least one task module/);
    }
    const missing = await startWorker({
      connection: redisUrl,
      queue: 'q',
      tasks: ['/nonexistent/weft/tasks.mjs'],
    }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TaskModuleLoadError);
  });
});
