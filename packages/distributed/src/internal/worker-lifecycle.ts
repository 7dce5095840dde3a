// A worker's lifecycle on BullMQ: connecting (the BullMQ Worker, then the cancel channel, within
// connectTimeout; on PostgreSQL also the sweep of finished jobs), and closing gracefully (finish
// running jobs within the grace period, hand the rest back, give up on them if Redis is gone, stop
// the runner and the connections).
import { createRedisBackend, Worker } from 'bullmq';
import type { BackendFactory, Job, PostgresQueueBackend, Telemetry } from 'bullmq';
import { setLongTimeout } from '@weft/sync-primitives';
import type { CancelChannel } from './cancel-channel.js';
import { closeWithin, toConnectionOptions, withinConnectTimeout } from './connection.js';
import type { ReconnectControl } from './connection.js';
import { REASON_HANDBACK } from './names.js';
import { RedisCancelChannel } from './redis-cancel-channel.js';
import type { PubSubClient } from './redis-cancel-channel.js';
import { borrowListenClient, PostgresCancelChannel } from './postgres-cancel-channel.js';
import { ensurePostgresSchema } from './postgres.js';
import { RetentionSweeper } from './postgres-retention.js';
import { bullPostgres } from './store.js';
import type { Store } from './store.js';
import { backoffDelay, WEFT_BACKOFF } from './retry.js';
import type { Runner } from './runner.js';
import type { WorkerSettings } from './worker-options.js';
import { isJobData } from './job-data.js';
import type { JobResult } from './wire-result.js';

const FORCE_AFTER_GRACE_MS = 5_000;

export interface OpenWorkerOptions {
  readonly store: Store;
  readonly queue: string;
  readonly prefix: string | undefined;
  readonly name: string;
  /** The connection for messages, without secrets. */
  readonly address: string;
  readonly settings: WorkerSettings;
  /** BullMQ's tracing hook (loaded), or none. */
  readonly telemetry: Telemetry | undefined;
  readonly runner: Runner;
  /** Runs one job (set once the worker object exists). */
  readonly process: (job: Job, token?: string) => Promise<JobResult>;
  /** A cancel message (a job id, untrusted). */
  readonly onCancel: (jobId: string) => void;
}

/** A connected worker's pieces. */
export interface OpenedWorker {
  readonly worker: Worker;
  readonly cancels: CancelChannel;
  readonly control: ReconnectControl;
  /** On PostgreSQL: the deletion of the queue's Weft jobs finished over an hour ago. */
  readonly retention: RetentionSweeper | undefined;
}

/** Creates the BullMQ Worker (not yet running) and subscribes to the cancel channel. */
export async function openWorker(options: OpenWorkerOptions): Promise<OpenedWorker> {
  const { settings, address, queue } = options;
  const { store } = options;
  const control: ReconnectControl = { stopped: false };
  let lastError: unknown;
  const within = <T>(step: Promise<T>): Promise<T> =>
    withinConnectTimeout(step, settings.connectTimeout, address, () => lastError);
  // On PostgreSQL, BullMQ's pool reconnects per query (no ioredis reconnect loop to stop); a
  // caller's pool gets BullMQ's migrations here (BullMQ runs them only on pools it builds).
  let backend: BackendFactory = createRedisBackend;
  let base;
  if (store.kind === 'postgres') {
    await within(ensurePostgresSchema(store));
    const bull = bullPostgres(store);
    base = { connection: bull.connection };
    backend = bull.backend;
  } else {
    base = {
      connection: toConnectionOptions(store.connection, control),
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    };
  }
  // Typed as BullMQ's default (Redis) Worker: Weft uses only its store-neutral API.
  const worker = new Worker(
    queue,
    options.process,
    {
      ...base,
      name: options.name,
      autorun: false,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDuration,
      stalledInterval: settings.stalledInterval,
      maxStalledCount: settings.maxStalledCount,
      ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
      settings: {
        backoffStrategy: (
          attemptsMade: number,
          type?: string,
          _err?: Error,
          job?: { data?: unknown },
        ) => {
          const data = job?.data;
          if (type !== WEFT_BACKOFF || !isJobData(data) || data.backoff === undefined) return 0;
          return backoffDelay(data.backoff, attemptsMade);
        },
      },
    },
    backend,
  ) as unknown as Worker;
  worker.on('error', (error) => {
    lastError = error;
  });
  let cancels: CancelChannel | undefined;
  let retention: RetentionSweeper | undefined;
  try {
    await within(worker.waitUntilReady());
    // Callers ask for running jobs to stop on a pub/sub channel (cheaper than every worker reading
    // the queue's whole event stream): on Redis a dedicated connection, as subscribers can't run
    // commands; on PostgreSQL the LISTEN connection BullMQ keeps anyway (one listener less for
    // every NOTIFY to wake, see postgres-cancel-channel.ts).
    const onError = (error: unknown): void => {
      lastError = error;
    };
    if (store.kind === 'postgres') {
      const { connection } = worker.getBackend() as unknown as PostgresQueueBackend;
      const { pool } = connection;
      cancels = new PostgresCancelChannel({
        store,
        queue,
        query: pool,
        listen: () => borrowListenClient(connection),
        onError,
      });
      retention = new RetentionSweeper({ query: pool, schema: store.schema, queue, onError });
    } else {
      const client = (await worker.getBackend().client) as unknown as PubSubClient;
      cancels = new RedisCancelChannel({ client, prefix: options.prefix, queue, onError });
    }
    await within(cancels.subscribe(options.onCancel));
    retention?.start();
  } catch (error) {
    control.stopped = true;
    cancels?.close();
    await closeWithin(() => worker.close(true), 1000);
    await options.runner.terminate();
    throw error;
  }
  return { worker, cancels, control, retention };
}

export interface CloseWorkerOptions {
  readonly opened: OpenedWorker;
  readonly runner: Runner;
  /** The promise of BullMQ's `worker.run()`. */
  readonly running: Promise<void> | undefined;
  readonly grace: number;
  /** Hands running jobs back now (the grace period ran out, or a second close said so). */
  readonly handBack: () => void;
  /** Whether any job was handed back (then the runner is terminated, not closed). */
  readonly handedBack: () => boolean;
  readonly abortAll: (reason: string) => void;
  /** Stops the worker's own timers. */
  readonly stopTimers: () => void;
}

/** The graceful stop of `DistributedWorker.close()`. */
export async function closeWorker(options: CloseWorkerOptions): Promise<void> {
  const { opened, grace } = options;
  const { worker, control } = opened;
  const timer = setLongTimeout(options.handBack, grace);
  // Without Redis, running jobs can neither finish nor be handed back: give up on them (BullMQ
  // re-runs them as stalled once Redis is back) rather than wait for a reconnect forever.
  const giveUp = (): void => {
    control.stopped = true;
    options.abortAll(REASON_HANDBACK);
    void worker.close(true).catch(() => undefined);
  };
  // (An ioredis client has a status; BullMQ's PostgreSQL backend has no client: its pool
  // reconnects per query, and the force timer below bounds a close on a server that is gone.)
  const client = (await worker.getBackend().client) as unknown as { status: string } | undefined;
  if (client !== undefined && client.status !== 'ready') giveUp();
  const force = setLongTimeout(giveUp, grace + FORCE_AFTER_GRACE_MS);
  opened.retention?.stop();
  try {
    await worker.close();
    // run() settles after close(), except when Redis died under it: don't wait on that.
    const running = options.running;
    if (running !== undefined) await closeWithin(() => running, 1000);
  } finally {
    timer.clear();
    force.clear();
    options.stopTimers();
    control.stopped = true;
  }
  if (options.handedBack()) await options.runner.terminate();
  else await options.runner.close();
  opened.cancels.close();
}
