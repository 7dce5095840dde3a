// Finished Weft jobs on PostgreSQL are deleted by the workers' sweep once they are over an hour old
// (the jobs carry no BullMQ removal rule, which would run a DELETE in every job's finishing
// transaction): what a sweep deletes and keeps, on a real server, with the clock injected.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import pg from 'pg';
import { startWorker } from '@weft/distributed';
import {
  RETENTION_AGE_MS,
  RetentionSweeper,
  SWEEP_BATCH,
} from '../src/internal/postgres-retention.js';
import { freshQueue, TASKS_URL } from './helpers.js';
import { adminQueue } from './stores.js';
import type { TestStore } from './stores.js';

const postgresUrl = inject('postgresUrl');
const noPostgres = postgresUrl === '';
if (noPostgres) console.warn('postgres-retention: SKIPPED: no PostgreSQL (see global-setup.ts)');

/** The sweeps' clock: finished times below are set relative to it. */
const NOW = 1_900_000_000_000;
const weftData = { weft: 1, module: 'm', export: 'f', args: '[]' };

describe.skipIf(noPostgres)('RetentionSweeper', () => {
  const store: TestStore = { name: 'postgres', url: postgresUrl };
  const cleanups: (() => Promise<unknown>)[] = [];
  let pool: pg.Pool;

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await pool?.end();
  });

  /** Adds jobs to `queue` and marks them finished (`state`) at `finishedAt`, as a worker would. */
  async function finishedJobs(
    queue: string,
    count: number,
    state: 'completed' | 'failed' | 'waiting',
    finishedAt: number,
    data: Record<string, unknown> = weftData,
  ): Promise<string[]> {
    const admin = adminQueue(store, queue);
    cleanups.push(async () => {
      const cleaner = adminQueue(store, queue);
      await cleaner.obliterate({ force: true }).catch(() => undefined);
      await cleaner.close();
    });
    try {
      const jobs = await admin.addBulk(Array.from({ length: count }, () => ({ name: 'x', data })));
      const ids = jobs.map((job) => job.id!);
      if (state !== 'waiting')
        await pool.query(
          `UPDATE bullmq.job SET state = $3, finished_at_ms = $4 WHERE queue = $1 AND id = ANY($2)`,
          [queue, ids, state, finishedAt],
        );
      return ids;
    } finally {
      await admin.close();
    }
  }

  async function remaining(queue: string): Promise<string[]> {
    const { rows } = await pool.query<{ id: string }>(
      'SELECT id FROM bullmq.job WHERE queue = $1 ORDER BY id',
      [queue],
    );
    return rows.map((row) => row.id).sort();
  }

  function sweeper(queue: string): RetentionSweeper {
    return new RetentionSweeper({ query: pool, schema: 'bullmq', queue, now: () => NOW });
  }

  describe('sweep()', () => {
    it('deletes Weft jobs that finished over an hour ago, completed and failed', async () => {
      const queue = freshQueue('retention-old');
      await finishedJobs(queue, 2, 'completed', NOW - RETENTION_AGE_MS - 1);
      await finishedJobs(queue, 1, 'failed', NOW - RETENTION_AGE_MS);
      expect(await sweeper(queue).sweep()).toBe(3);
      expect(await remaining(queue)).toEqual([]);
    });

    it('keeps younger finished jobs, unfinished jobs and jobs without Weft data', async () => {
      const queue = freshQueue('retention-kept');
      const young = await finishedJobs(queue, 1, 'completed', NOW - RETENTION_AGE_MS + 1);
      const waiting = await finishedJobs(queue, 1, 'waiting', 0);
      const foreign = await finishedJobs(queue, 1, 'completed', 0, { a: 1 });
      expect(await sweeper(queue).sweep()).toBe(0);
      expect(await remaining(queue)).toEqual([...young, ...waiting, ...foreign].sort());
    });

    it("leaves other queues' jobs alone", async () => {
      const mine = freshQueue('retention-mine');
      const other = freshQueue('retention-other');
      await finishedJobs(mine, 1, 'completed', 0);
      const theirs = await finishedJobs(other, 1, 'completed', 0);
      expect(await sweeper(mine).sweep()).toBe(1);
      expect(await remaining(other)).toEqual(theirs);
    });

    it('deletes a backlog larger than one batch in one sweep', async () => {
      const queue = freshQueue('retention-batches');
      await finishedJobs(queue, SWEEP_BATCH + 5, 'completed', 0);
      expect(await sweeper(queue).sweep()).toBe(SWEEP_BATCH + 5);
      expect(await remaining(queue)).toEqual([]);
    });
  });

  describe('on a weft-worker', () => {
    it('sweeps its queue when it starts', async () => {
      const queue = freshQueue('retention-worker');
      // Finished two hours before now on the worker's own clock (Date.now).
      await finishedJobs(queue, 2, 'completed', Date.now() - 2 * RETENTION_AGE_MS);
      const worker = await startWorker({
        connection: postgresUrl,
        queue,
        tasks: [TASKS_URL],
        kind: 'inline',
      });
      cleanups.push(() => worker.close({ gracePeriod: 0 }));
      await vi.waitFor(async () => expect(await remaining(queue)).toEqual([]), {
        timeout: 10_000,
      });
    });
  });
});
