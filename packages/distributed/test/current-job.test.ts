// currentJob() on the weft-worker CLI, against a real Redis: an inline task sees its job and its
// signal's abort whether its module imports the worker's own copy of @weft/distributed or another.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BullMQExecutor, JobCancelledError } from '@weft/distributed';
import type { RemoteExecutionStart } from '@weft/distributed';
import type * as probe from './fixtures/job-probe.mjs';
import { deferred, freshQueue, killAllWorkers, spawnWorker, waitForFile } from './helpers.js';

const redisUrl = inject('redisUrl');
/** '' when this machine has no Redis to test against (see global-setup.ts). */
const noRedis = redisUrl === '';
const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllWorkers();
});

const PROBE = fileURLToPath(new URL('./fixtures/job-probe.mjs', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-current-job-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A directory holding the probe task module next to its own copy of @weft/distributed (the built
 * package, its dependencies linked), as when an app installs the package apart from the worker's.
 */
function probeWithOwnCopy(): string {
  const dir = tempDir();
  const copy = join(dir, 'node_modules', '@weft', 'distributed');
  mkdirSync(copy, { recursive: true });
  cpSync(join(PACKAGE, 'package.json'), join(copy, 'package.json'));
  cpSync(join(PACKAGE, 'dist'), join(copy, 'dist'), { recursive: true });
  symlinkSync(join(PACKAGE, 'node_modules'), join(copy, 'node_modules'), 'dir');
  cpSync(PROBE, join(dir, 'job-probe.mjs'));
  return join(dir, 'job-probe.mjs');
}

interface Seen {
  readonly job: { jobId: string; attempt: number; queue: string } | null;
  readonly aborted?: boolean;
}

/** Run the probe on an inline weft-worker, cancel it once it runs, and return what it saw. */
async function cancelProbe(
  modulePath: string,
): Promise<{ seen: Seen; start: RemoteExecutionStart; queue: string; error: unknown }> {
  const url = pathToFileURL(modulePath).href;
  const queue = freshQueue('current-job');
  await spawnWorker([
    '--redis',
    redisUrl,
    '--queue',
    queue,
    '--kind',
    'inline',
    '--concurrency',
    '1',
    '--tasks',
    url,
  ]);
  const ex = new BullMQExecutor({ connection: redisUrl, queue, tasks: [url] });
  cleanups.push(() => ex.terminate());
  const { recordJob } = (await import(url)) as typeof probe;
  const file = join(tempDir(), 'seen.json');
  const started = deferred<RemoteExecutionStart>();
  const controller = new AbortController();
  const call = ex.apply(recordJob, [file], {
    signal: controller.signal,
    onStart: (info) => started.resolve(info as RemoteExecutionStart),
  });
  // A task that saw no job returns at once: the call would resolve instead of being cancelled.
  const outcome = call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const start = await Promise.race([started.promise, outcome.then(() => started.promise)]);
  controller.abort();
  const { error } = (await outcome) as { error?: unknown };
  await waitForFile(file);
  const seen = JSON.parse(readFileSync(file, 'utf8')) as Seen;
  return { seen, start, queue, error };
}

describe.skipIf(noRedis)('currentJob() on the weft-worker CLI', () => {
  it('gives an inline task its job, and its signal aborts when the caller cancels', async () => {
    const { seen, start, queue, error } = await cancelProbe(PROBE);
    expect(seen).toEqual({ job: { jobId: start.jobId, attempt: 1, queue }, aborted: true });
    expect(error).toBeInstanceOf(JobCancelledError);
  });

  it('does so when the task module imports its own copy of @weft/distributed', async () => {
    const { seen, start, queue, error } = await cancelProbe(probeWithOwnCopy());
    expect(seen).toEqual({ job: { jobId: start.jobId, attempt: 1, queue }, aborted: true });
    expect(error).toBeInstanceOf(JobCancelledError);
  });
});
