// A worker's lifecycle on BullMQ: connecting (the BullMQ Worker, then the cancel channel, within
// connectTimeout), and closing gracefully (finish running jobs within the grace period, hand the
// rest back, give up on them if Redis is gone, stop the runner and the connections).
import { Worker } from 'bullmq';
import type { Job, Telemetry } from 'bullmq';
import { setLongTimeout } from '@weft/sync-primitives';
import type { RedisConnection } from '../connection.js';
import type { CancelChannel } from './cancel-channel.js';
import { closeWithin, toConnectionOptions, withinConnectTimeout } from './connection.js';
import type { ReconnectControl } from './connection.js';
import { REASON_HANDBACK } from './names.js';
import { RedisCancelChannel } from './redis-cancel-channel.js';
import type { PubSubClient } from './redis-cancel-channel.js';
import { backoffDelay, WEFT_BACKOFF } from './retry.js';
import type { Runner } from './runner.js';
import type { WorkerSettings } from './worker-options.js';
import { isJobData } from './wire.js';
import type { WireResult } from './wire.js';

const FORCE_AFTER_GRACE_MS = 5_000;

export interface OpenWorkerOptions {
  readonly connection: RedisConnection;
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
  readonly process: (job: Job, token?: string) => Promise<WireResult>;
  /** A cancel message (a job id, untrusted). */
  readonly onCancel: (jobId: string) => void;
}

/** A connected worker's pieces. */
export interface OpenedWorker {
  readonly worker: Worker;
  readonly cancels: CancelChannel;
  readonly control: ReconnectControl;
}

/** Creates the BullMQ Worker (not yet running) and subscribes to the cancel channel. */
export async function openWorker(options: OpenWorkerOptions): Promise<OpenedWorker> {
  const { settings, address, queue } = options;
  const control: ReconnectControl = { stopped: false };
  const base = {
    connection: toConnectionOptions(options.connection, control),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  };
  let lastError: unknown;
  const worker = new Worker(queue, options.process, {
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
  });
  worker.on('error', (error) => {
    lastError = error;
  });
  let cancels: CancelChannel | undefined;
  try {
    const within = <T>(step: Promise<T>): Promise<T> =>
      withinConnectTimeout(step, settings.connectTimeout, address, () => lastError);
    await within(worker.waitUntilReady());
    // Callers ask for running jobs to stop on a pub/sub channel (cheaper than every worker reading
    // the queue's whole event stream); a dedicated connection, as subscribers can't run commands.
    const client = (await worker.getBackend().client) as unknown as PubSubClient;
    cancels = new RedisCancelChannel({
      client,
      prefix: options.prefix,
      queue,
      onError: (error) => {
        lastError = error;
      },
    });
    await within(cancels.subscribe(options.onCancel));
  } catch (error) {
    control.stopped = true;
    cancels?.close();
    await closeWithin(() => worker.close(true), 1000);
    await options.runner.terminate();
    throw error;
  }
  return { worker, cancels, control };
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
  const client = (await worker.getBackend().client) as unknown as { status: string };
  if (client.status !== 'ready') giveUp();
  const force = setLongTimeout(giveUp, grace + FORCE_AFTER_GRACE_MS);
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
