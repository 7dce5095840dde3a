// The live workers as the pool sees them: starting one, what its messages do (results, ready,
// init errors), when it drains, and what its exit does (crash-recovery.ts decides the fate of the
// tasks it held). The worker's own states and moves are worker-handle.ts's table.
import { ResultNotSendableError, TaskNotFoundError, WorkerInitError } from '../errors.js';
import { prepareArgs } from './args.js';
import { recover, splitHeld } from './crash-recovery.js';
import type { PoolConfig } from './pool-config.js';
import type { PoolCore } from './pool-core.js';
import { publish } from './pool-events.js';
import {
  RESULT_STRIDE,
  STATUS_ERROR,
  STATUS_NOT_SENDABLE,
  STATUS_OK,
  STATUS_SKIPPED,
  TIMES_STRIDE,
  type DoneMessage,
} from './protocol.js';
import { restoreError } from './remote-error.js';
import { RemoteHost } from './remote-host.js';
import { markOwnerDead } from './sync-bridge.js';
import { moduleLoadError } from './typescript-loader.js';
import {
  startWorker,
  type ChannelMessage,
  type ExitInfo,
  type WorkerChannel,
} from './worker-channel.js';
import { WorkerHandle } from './worker-handle.js';
import { ReplyPoll } from './reply-poll.js';
import { startThrew, startTimedOut } from './worker-start.js';
import { now } from './clock.js';

/**
 * A gap this long (ms) between one task's end and the next one's start on a worker, for a task
 * submitted before that end, means the worker ran dry while the task waited in the pool (a thread
 * worker polls its port for 0.05 ms before it idles): prefetch 'auto' then deepens its pipeline.
 */
const DRY_GAP_MS = 0.05;

const STATUS_MODULE_ERROR = 3;
const STATUS_NOT_FOUND = 4;

const RUNTIME = new URL('./worker.js', import.meta.url);

export class WorkerSet {
  /** The live workers (an exited one leaves the list). */
  readonly list: WorkerHandle[] = [];
  /** Callers of ready() waiting for minWorkers workers. */
  readonly readyWaiters: { resolve(): void; reject(error: unknown): void }[] = [];
  /** Busy and alive time of the workers that exited, ms (utilization). */
  deadBusyMs = 0;
  deadAliveMs = 0;
  #nextWorkerId = 1;
  readonly #core: PoolCore;
  readonly #config: PoolConfig;
  /** Thread pools: where the main thread looks for replies between sleeps (reply-poll.ts). */
  readonly #replyPoll: ReplyPoll | undefined;

  constructor(core: PoolCore, config: PoolConfig) {
    this.#core = core;
    this.#config = config;
    this.#replyPoll = config.kind === 'thread' ? new ReplyPoll(() => this.busyCount()) : undefined;
  }

  /** Workers holding tasks now. */
  busyCount(): number {
    let n = 0;
    for (const worker of this.list) if (worker.state === 'busy') n++;
    return n;
  }

  readyCount(): number {
    let n = 0;
    for (const worker of this.list) if (worker.ready) n++;
    return n;
  }

  canSpawn(): boolean {
    return (
      this.list.length < this.#config.maxWorkers &&
      this.#core.initRef !== undefined &&
      this.#core.broken === undefined &&
      !this.#core.terminated
    );
  }

  fillMinimum(): void {
    // They stay ref'd until they report ready (someone may be awaiting ready()); then they idle.
    while (this.list.length < this.#config.minWorkers && this.canSpawn() && !this.#core.closed)
      if (this.spawn() === undefined) return;
  }

  // Start a worker; undefined when it could not even be created (the pool is then broken).
  spawn(): WorkerHandle | undefined {
    const config = this.#config;
    const options = config.options;
    const id = this.#nextWorkerId++;
    let channel: WorkerChannel;
    try {
      channel = startWorker({
        kind: this.#config.kind,
        runtime: RUNTIME,
        execArgv: config.execArgv,
        execPath: options.execPath,
        env: options.env,
        cwd: options.cwd,
        resourceLimits: options.resourceLimits,
        maxCallFrameBytes: options.maxCallFrameBytes,
        captureStderr: options.stderr === 'capture',
        replyPoll: this.#replyPoll,
      });
    } catch (error) {
      this.#core.break(startThrew(id, error, config.start), true);
      return undefined;
    }
    const worker = new WorkerHandle(id, channel, now());
    const timeout = config.startTimeout;
    worker.armStartTimer(timeout, () => startTimedOut(id, timeout, channel.stderr()));
    // Queues and pipe ends in initArgs are held for as long as this worker lives.
    const init = prepareArgs(
      options.initArgs ?? [],
      this.#config.kind,
      'initArgs',
      this.#core.registry,
    );
    worker.remotes = init.remotes;
    if (this.#config.kind === 'process') worker.host = new RemoteHost(this.#core.registry, channel);
    this.list.push(worker);
    channel.onMessage((message) => this.#onMessage(worker, message));
    channel.onExit((info) => this.#onExit(worker, info));
    channel.send({
      t: 'init',
      workerId: id,
      kind: this.#config.kind,
      modules: config.modules,
      initializer: this.#core.initRef ?? null,
      initArgs: init.args,
      initShared: init.shared,
      strictModules: config.minWorkers > 0,
      ...(config.tsxApi === undefined ? {} : { tsxApi: config.tsxApi }),
      ...(channel.claims === undefined ? {} : { claimCell: channel.claims.buffer }),
    });
    publish(this.#core.sink, 'worker:spawned', {
      workerId: id,
      kind: this.#config.kind,
      pid: channel.pid,
      threadId: channel.threadId,
      time: worker.spawnedAt,
    });
    return worker;
  }

  #onMessage(worker: WorkerHandle, message: ChannelMessage): void {
    switch (message.t) {
      case 'calls':
        worker.host?.onCalls(message.b);
        break;
      case 'call-abort':
        worker.host?.onCallAbort(message.c);
        break;
      case 'done': // a thread worker's results
        this.#afterResults(worker, this.#onResults(worker, message));
        break;
      case 'results': {
        // A process worker's results batches, read in one go: one refill for all of them.
        const batches = message.batches;
        let dry = false;
        for (let i = 0; i < batches.length; i++)
          if (this.#onResults(worker, batches[i]!)) dry = true;
        this.#afterResults(worker, dry);
        break;
      }
      case 'ready': {
        if (!worker.markReady(message.starts)) break;
        if (this.readyCount() >= this.#config.minWorkers) {
          for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        }
        const head = worker.inflight.peek();
        if (head === undefined) this.drained(worker);
        else if (head.state === 'sent') this.#core.tasks.start(head, now());
        break;
      }
      case 'init-error': {
        const cause = restoreError(message.error);
        const error =
          message.phase === 'module'
            ? moduleLoadError(message.module ?? '?', cause)
            : new WorkerInitError(
                `The initializer failed in worker ${String(worker.id)}; the pool is broken`,
                { cause },
              );
        this.#core.break(error, true);
        break;
      }
    }
  }

  // Settle the tasks of one results batch; returns whether the worker ran dry (see DRY_GAP_MS).
  #onResults(worker: WorkerHandle, { r, x }: DoneMessage): boolean {
    const tasks = this.#core.tasks;
    const dispatcher = this.#core.dispatcher;
    let lastEnd = worker.lastEnd;
    let dry = false;
    // A child process stamps times on its own clock, which can sit a few ms off this one's (each
    // process fixes performance.timeOrigin when it starts; 9 ms apart was seen on a loaded VM).
    // Durations need no care (the offset cancels), but the times a task starts and settles at are
    // kept within what this process saw: from its queueing to the results' arrival here. Threads
    // share this process's clock.
    const arrived = this.#config.kind === 'process' ? now() : Infinity;
    for (let i = 0, k = 0; i < r.length; i += RESULT_STRIDE, k += TIMES_STRIDE) {
      const id = r[i] as number;
      const status = r[i + 1] as number;
      const start = x[k]!;
      const end = x[k + 1]!;
      let task = worker.inflight.shift();
      if (task !== undefined && task.id !== id) {
        // Out of order can only mean a task was dropped from the list (send failure); resync.
        worker.inflight.unshift(task);
        task = worker.drop(id);
      }
      const previousEnd = lastEnd;
      lastEnd = end;
      if (task === undefined) continue;
      // The worker idled before this task although the task was already in the pool: it ran dry.
      if (start - previousEnd > DRY_GAP_MS && task.queuedAt < previousEnd) dry = true;
      const runMs = end - start;
      worker.busyMs += runMs;
      dispatcher.observeRun(runMs);
      if (task.isFinal()) continue; // settled early (abort): its result is dropped
      if (status === STATUS_SKIPPED) continue;
      if (!task.started) tasks.start(task, Math.min(Math.max(start, task.queuedAt), arrived));
      if (end > arrived) x[k + 1] = arrived;
      // Its end and CPU time stay in `x` (settleTimed reads them there: no boxing per task).
      if (status === STATUS_OK) tasks.settleTimed(task, true, r[i + 2], x, k + 1);
      else tasks.settleTimed(task, false, this.#remoteError(status, r[i + 2]), x, k + 1);
    }
    worker.lastEnd = lastEnd;
    return dry;
  }

  // After a worker's results: deepen its pipeline if it ran dry, count its next task as running,
  // and refill it.
  #afterResults(worker: WorkerHandle, dry: boolean): void {
    if (this.#core.terminated) return;
    const tasks = this.#core.tasks;
    const dispatcher = this.#core.dispatcher;
    if (dry) dispatcher.ranDry(worker);
    const head = worker.inflight.peek();
    if (head !== undefined) {
      if (head.state === 'sent') tasks.start(head, Math.max(worker.lastEnd, head.queuedAt));
    } else {
      this.drained(worker);
    }
    dispatcher.dispatch();
  }

  #remoteError(status: number, value: unknown): unknown {
    const modules = this.#config.modules;
    if (status === STATUS_ERROR) return restoreError(value);
    if (status === STATUS_MODULE_ERROR) {
      const [mod, cause] = value as [number, unknown];
      return moduleLoadError(modules[mod] ?? '?', restoreError(cause));
    }
    if (status === STATUS_NOT_FOUND) return new TaskNotFoundError(value as string, modules);
    if (status === STATUS_NOT_SENDABLE) {
      const [position, cause] = value as ['result' | 'error', unknown];
      return new ResultNotSendableError(position, { cause: restoreError(cause) });
    }
    return new Error(`Unknown task status ${String(status)}`);
  }

  // Its last result came back (or it reported ready with nothing to run): retire it or let it idle.
  drained(worker: WorkerHandle): void {
    if (!worker.move('drained') || worker.state !== 'idle') return;
    const config = this.#config;
    if (
      worker.dispatched >= config.maxTasksPerWorker ||
      (this.#core.closed && this.#core.dispatcher.queue.length === 0)
    ) {
      worker.retire();
      return;
    }
    if (this.list.length > config.minWorkers)
      worker.armIdleTimer(config.idleTimeout, () => {
        if (this.list.length > config.minWorkers) worker.retire();
      });
  }

  #onExit(worker: WorkerHandle, info: ExitInfo): void {
    const crashed = worker.exit();
    if (crashed === undefined) return;
    this.#core.registry.release(worker.remotes);
    const index = this.list.indexOf(worker);
    if (index !== -1) this.list.splice(index, 1);
    const t = now();
    this.deadBusyMs += worker.busyMs;
    this.deadAliveMs += t - worker.spawnedAt;
    if (this.#config.kind === 'thread' && worker.channel.threadId !== undefined)
      markOwnerDead(worker.channel.threadId);
    const held = splitHeld(worker);
    publish(this.#core.sink, 'worker:exited', {
      workerId: worker.id,
      pid: worker.channel.pid,
      threadId: worker.channel.threadId,
      code: info.code,
      signal: info.signal,
      expected: !crashed,
      time: t,
    });
    const goesOn = recover(
      {
        start: this.#config.start,
        onWorkerExit: this.#config.options.onWorkerExit ?? 'respawn',
        requeue: (task) => {
          this.#core.telemetry?.requeued(task, worker.id);
          this.#core.dispatcher.requeue(task);
        },
        fail: (task, error, time) => this.#core.tasks.settle(task, false, error, time, undefined),
        break: (error, passThrough) => this.#core.break(error, passThrough),
      },
      worker,
      info,
      crashed,
      held,
      t,
    );
    if (!goesOn) {
      this.#core.maybeFinish();
      return;
    }
    if (!this.#core.terminated && this.#core.broken === undefined) {
      this.fillMinimum();
      this.#core.dispatcher.dispatch();
    }
    this.#core.maybeFinish();
  }
}
