// The PostgreSQL event source against a real server: every event is delivered once, as soon as it
// is visible, even when transactions commit out of id order (BullMQ's own id-cursor reader skips
// those) and while another transaction stays open; a row it cannot parse is reported and skipped;
// a dropped connection is rebuilt without losing events.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import { PostgresEventSource } from '../src/internal/postgres-event-source.js';
import type { MalformedEvent, StreamEvent } from '../src/internal/event-reader.js';
import { bullPostgres, storeOf } from '../src/internal/store.js';
import type { PostgresStore } from '../src/internal/store.js';
import { deferred, freshQueue } from './helpers.js';

const postgresUrl = inject('postgresUrl');
const noPostgres = postgresUrl === '';
if (noPostgres) console.warn('postgres-event-source: SKIPPED: no PostgreSQL (see global-setup.ts)');

interface Seen {
  events: StreamEvent[];
  malformed: MalformedEvent[];
  connection: boolean[];
  /** Resolves once `match` holds for the events seen so far. */
  until(match: (events: StreamEvent[]) => boolean): Promise<void>;
}

function collector(): Seen & { onEvent: (e: StreamEvent) => void } {
  const events: StreamEvent[] = [];
  const waiters: { match: (e: StreamEvent[]) => boolean; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (w.match(events)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    events,
    malformed: [],
    connection: [],
    onEvent: (e) => {
      events.push(e);
      check();
    },
    until: (match) => {
      const d = deferred();
      waiters.push({ match, resolve: d.resolve });
      check();
      return d.promise;
    },
  };
}

describe.skipIf(noPostgres)('PostgresEventSource', () => {
  const store = storeOf(postgresUrl) as PostgresStore;
  const { connection, backend } = bullPostgres(store);
  let admin: pg.Client;

  beforeAll(async () => {
    // The schema exists once a BullMQ queue has connected (Weft migrates by default).
    const q = new Queue(freshQueue('pg-setup'), { connection }, backend);
    await q.waitUntilReady();
    await q.close();
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
  });

  const open = async (queue: string, seen: ReturnType<typeof collector>) =>
    PostgresEventSource.open({
      store,
      queue,
      onEvent: seen.onEvent,
      onMalformed: (m) => seen.malformed.push(m),
      onError: () => undefined,
      onConnection: (up) => seen.connection.push(up),
    });

  const insert = (client: pg.Client, queue: string, event: string, data: object) =>
    client.query<{ id: string }>(
      `INSERT INTO bullmq.event (queue, event, data, created_at_ms) VALUES ($1, $2, $3, 0) RETURNING id::text`,
      [queue, event, JSON.stringify(data)],
    );

  /** A pool that keeps the last client it handed out (the source's), for the test to query. */
  function watchedPool(): { pool: pg.Pool; client: () => pg.PoolClient } {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
    let last: pg.PoolClient | undefined;
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
      last = await connect();
      return last;
    };
    return { pool, client: () => last! };
  }

  test('reads through prepared statements: parsed and planned once per connection', async () => {
    // A burst reads many times a second; parsing and planning each read cost PostgreSQL about as
    // much as running it. The source runs on a client of this pool, which the test then asks.
    const { pool, client } = watchedPool();
    const queue = freshQueue('pg-prepared');
    const seen = collector();
    const source = await PostgresEventSource.open({
      store: { ...store, target: pool as unknown as PostgresStore['target'] },
      queue,
      onEvent: seen.onEvent,
      onMalformed: () => undefined,
      onError: () => undefined,
    });
    try {
      for (const jobId of ['a', 'b']) {
        await insert(admin, queue, 'completed', { jobId, returnvalue: '1' });
        await admin.query(`SELECT pg_notify('bullmq_events', $1)`, [queue]);
        await seen.until((events) => events.some((e) => e.jobId === jobId));
      }
      const { rows } = await client().query<{ name: string }>(
        'SELECT name FROM pg_prepared_statements',
      );
      // Two texts at most: the read with the lock table and the one without (see PLAIN_READS).
      const names = rows.map((row) => row.name);
      expect(names.length).toBeGreaterThanOrEqual(1);
      expect(names.length).toBeLessThanOrEqual(2);
      for (const name of names) expect(name).toMatch(/^weft-events-/);
    } finally {
      await source.close();
      await pool.end();
    }
  });

  // A named statement's generic plan of the read (used after five executions if PostgreSQL deems
  // it no worse) scanned every queue's events and sorted them; planned with its values, the read is
  // an index range on (queue, id).
  test('plans each read with its values, never with a generic plan', async () => {
    const { pool, client } = watchedPool();
    const source = await PostgresEventSource.open({
      store: { ...store, target: pool as unknown as PostgresStore['target'] },
      queue: freshQueue('pg-custom-plans'),
      onEvent: () => undefined,
      onMalformed: () => undefined,
      onError: () => undefined,
    });
    try {
      const { rows } = await client().query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
      expect(rows).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
    } finally {
      await source.close();
      await pool.end();
    }
  });

  test('a row committed after a later-numbered one is still delivered, once', async () => {
    const queue = freshQueue('pg-order');
    const seen = collector();
    const source = await open(queue, seen);
    const early = new pg.Client({ connectionString: postgresUrl });
    await early.connect();
    try {
      // `early` draws the smaller id but commits last. A reader going by id alone (BullMQ's
      // QueueEvents, checked with this same sequence) reads `b` when woken, moves its cursor past
      // `a`'s id and never delivers `a`. The pause gives such a reader time to read in between.
      await early.query('BEGIN');
      const a = await insert(early, queue, 'completed', { jobId: 'a', returnvalue: '1' });
      const b = await insert(admin, queue, 'completed', { jobId: 'b', returnvalue: '2' });
      expect(Number(a.rows[0]?.id)).toBeLessThan(Number(b.rows[0]?.id));
      await admin.query(`SELECT pg_notify('bullmq_events', $1)`, [queue]);
      // `b` is delivered while `a`'s transaction is still open.
      await seen.until((events) => events.length >= 1);
      await early.query('COMMIT');
      await insert(admin, queue, 'completed', { jobId: 'c', returnvalue: '3' });
      await admin.query(`SELECT pg_notify('bullmq_events', $1)`, [queue]);
      await seen.until((events) => events.length >= 3);
      expect(seen.events.map((e) => [e.jobId, e.returnvalue])).toEqual([
        ['b', 2],
        ['a', 1],
        ['c', 3],
      ]);
      // Nothing is delivered twice once the floor has passed them all.
      await insert(admin, queue, 'completed', { jobId: 'd', returnvalue: '4' });
      await admin.query(`SELECT pg_notify('bullmq_events', $1)`, [queue]);
      await seen.until((events) => events.length >= 4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.events.map((e) => e.jobId)).toEqual(['b', 'a', 'c', 'd']);
      expect(BigInt(source.lastId)).toBeGreaterThanOrEqual(BigInt(b.rows[0]!.id));
    } finally {
      await early.end();
      await source.close();
    }
  });

  test('a transaction left open elsewhere holds no event back', async () => {
    const queue = freshQueue('pg-open');
    const seen = collector();
    const source = await open(queue, seen);
    const idle = new pg.Client({ connectionString: postgresUrl });
    await idle.connect();
    try {
      // An idle session inside BEGIN with a transaction id (a long pg_dump, a forgotten BEGIN):
      // the oldest running transaction stays put while it is open.
      await idle.query('BEGIN');
      await idle.query('SELECT pg_current_xact_id()');
      await insert(admin, queue, 'completed', { jobId: 'now', returnvalue: '1' });
      await admin.query(`SELECT pg_notify('bullmq_events', $1)`, [queue]);
      // Before: held until `idle` ended (this waited out the test's timeout).
      await seen.until((events) => events.some((e) => e.jobId === 'now'));
      await insert(admin, queue, 'failed', { jobId: 'next', failedReason: 'boom' });
      await admin.query(`SELECT pg_notify('bullmq_events', $1)`, [queue]);
      await seen.until((events) => events.some((e) => e.jobId === 'next'));
      expect(seen.events.map((e) => e.jobId)).toEqual(['now', 'next']);
      await idle.query('COMMIT');
    } finally {
      await idle.end();
      await source.close();
    }
  });

  test('every completed event of jobs finished by concurrent workers arrives exactly once', async () => {
    const queue = freshQueue('pg-many');
    const seen = collector();
    const source = await open(queue, seen);
    const q = new Queue(queue, { connection }, backend);
    const worker = new Worker(
      queue,
      (job) => Promise.resolve((job.data as { n: number }).n * 2),
      {
        connection,
        concurrency: 8,
      },
      backend,
    );
    const N = 300;
    try {
      await q.addBulk(Array.from({ length: N }, (_, n) => ({ name: 't', data: { n } })));
      const completed = (events: StreamEvent[]) => events.filter((e) => e.event === 'completed');
      await seen.until((events) => completed(events).length >= N);
      const results = completed(seen.events).map((e) => e.returnvalue as number);
      expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: N }, (_, n) => n * 2));
      // Each job's events arrive in the order its transactions ran.
      for (const jobId of ['1', '150', String(N)]) {
        const names = seen.events.filter((e) => e.jobId === jobId).map((e) => e.event);
        expect(names.indexOf('active')).toBeLessThan(names.indexOf('completed'));
      }
      const ids = seen.events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      // The burst's reads ran back to back, most of them without the lock table: the floor still
      // rises to the last event once the workers' transactions are over.
      const last = ids.map(BigInt).reduce((a, b) => (a > b ? a : b));
      await worker.close();
      await admin.query(`SELECT pg_notify('bullmq_events', $1)`, [queue]);
      while (BigInt(source.lastId) < last) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await worker.close();
      await q.close();
      await source.close();
    }
  }, 60_000);

  test('a row it cannot parse is reported with its job id, and reading goes on', async () => {
    const queue = freshQueue('pg-bad');
    const seen = collector();
    const source = await open(queue, seen);
    try {
      await insert(admin, queue, 'completed', { jobId: 'bad', returnvalue: '{not json' });
      await insert(admin, queue, 'failed', { jobId: 'next', failedReason: 'boom' });
      await seen.until((events) => events.some((e) => e.jobId === 'next'));
      expect(seen.malformed.map((m) => m.jobId)).toEqual(['bad']);
      expect(seen.events.find((e) => e.jobId === 'next')?.failedReason).toBe('boom');
    } finally {
      await source.close();
    }
  });

  test('a dropped connection is rebuilt and no event is lost', async () => {
    const queue = freshQueue('pg-drop');
    const seen = collector();
    const source = await open(queue, seen);
    try {
      await insert(admin, queue, 'completed', { jobId: 'before', returnvalue: '1' });
      await seen.until((events) => events.some((e) => e.jobId === 'before'));
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
        [`weft:events:${queue}`],
      );
      expect(rowCount).toBe(1);
      // Written while the source is down or reconnecting: read once it is back.
      await insert(admin, queue, 'completed', { jobId: 'after', returnvalue: '2' });
      await seen.until((events) => events.some((e) => e.jobId === 'after'));
      expect(seen.connection).toEqual([false, true]);
      expect(seen.events.map((e) => e.jobId)).toEqual(['before', 'after']);
    } finally {
      await source.close();
    }
  });

  test('close() stops it: nothing is delivered afterwards and it settles', async () => {
    const queue = freshQueue('pg-close');
    const seen = collector();
    const source = await open(queue, seen);
    await source.close();
    await insert(admin, queue, 'completed', { jobId: 'late', returnvalue: '1' });
    // A reader still running would pick this up within its idle re-read (1 s).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(seen.events).toEqual([]);
    await source.close();
  });
});
