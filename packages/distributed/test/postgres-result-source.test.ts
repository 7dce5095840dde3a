// Where the PostgreSQL result source says its events start (readableFrom), on a real server: the
// oldest row of the queue, or, given the sweep's last checked position, a row at or before it
// when there is one (found among live rows, not by walking past every row BullMQ's trimming
// deleted).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { PostgresResultSource } from '../src/internal/postgres-result-source.js';
import { storeOf } from '../src/internal/store.js';
import type { PostgresStore } from '../src/internal/store.js';
import { adminQueue } from './stores.js';
import { freshQueue } from './helpers.js';

const postgresUrl = inject('postgresUrl');
const noPostgres = postgresUrl === '';
if (noPostgres)
  console.warn('postgres-result-source: SKIPPED: no PostgreSQL (see global-setup.ts)');

describe.skipIf(noPostgres)('PostgresResultSource', () => {
  const store = storeOf(postgresUrl) as PostgresStore;
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
    // BullMQ's tables exist once a queue has connected.
    const admin = adminQueue({ name: 'postgres', url: postgresUrl }, freshQueue('result-source'));
    await admin.waitUntilReady();
    await admin.close();
  });

  afterAll(async () => {
    await pool?.end();
  });

  function source(queue: string): PostgresResultSource {
    return new PostgresResultSource({
      store,
      queue,
      query: (text, params) => pool.query(text, params),
      onConnection: () => undefined,
    });
  }

  /** Appends `count` events to the queue's table, as BullMQ does; returns their ids, oldest first. */
  async function events(queue: string, count: number): Promise<string[]> {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO bullmq.event (queue, event, data, created_at_ms)
         SELECT $1, 'waiting', '{}'::jsonb, 0 FROM generate_series(1, $2) RETURNING id::text`,
      [queue, count],
    );
    return rows.map((row) => row.id).sort((a, b) => Number(a) - Number(b));
  }

  describe('readableFrom()', () => {
    it('is the oldest event of the queue, or undefined when it has none', async () => {
      const queue = freshQueue('readable-oldest');
      expect(await source(queue).readableFrom()).toBeUndefined();
      const ids = await events(queue, 3);
      expect(await source(queue).readableFrom()).toBe(ids[0]);
    });

    it('is, given a checked position, the newest event at or before it', async () => {
      const queue = freshQueue('readable-checked');
      const ids = await events(queue, 5);
      expect(await source(queue).readableFrom(ids[3])).toBe(ids[3]);
      expect(await source(queue).readableFrom(String(BigInt(ids[4]!) + 10n))).toBe(ids[4]);
    });

    it('is the oldest event when none is left at or before the checked position', async () => {
      const queue = freshQueue('readable-trimmed');
      const ids = await events(queue, 5);
      // BullMQ trims the queue's oldest events.
      await pool.query('DELETE FROM bullmq.event WHERE queue = $1 AND id <= $2', [queue, ids[2]]);
      expect(await source(queue).readableFrom(ids[1])).toBe(ids[3]);
      await pool.query('DELETE FROM bullmq.event WHERE queue = $1', [queue]);
      expect(await source(queue).readableFrom(ids[1])).toBeUndefined();
    });
  });
});
