// The pool's core: the one run path every API goes through (resolve the function, check the
// arguments, queue the task), the pool's own lifecycle (open, closed, broken, terminated), and the
// workers' lifecycle as the pool sees it (spawn, messages, exit). The pieces it wires together each
// live in their own file: the task record and the worker handle (the two state tables), the
// dispatcher, the task lifecycle, crash recovery.
import {
  PoolBrokenError,
  PoolClosedError,
  PoolOptionRangeError,
  PoolTerminatedError,
  ProcessPoolError,
  QueueFullError,
  TaskAbortedError,
  TaskNotFoundError,
} from '../errors.js';
import type { TaskOptions } from '../pool-options.js';
import type { PoolStats } from '../pool-types.js';
import { allPrimitive, prepareArgs } from './args.js';
import { Dispatcher, type PoolTask } from './dispatcher.js';
import type { PoolConfig } from './pool-config.js';
import { publish, wanted, type EventSink } from './pool-events.js';
import { FLAG_MAP, FLAG_SHARED, FLAG_STARMAP, FLAG_TRACED, FLAG_WATCHED } from './protocol.js';
import { RemoteRegistry } from './remote-host.js';
import type { PromiseMaker, RunPath, TaskObserver } from './run-path.js';
import { TaskLifecycle } from './task-lifecycle.js';
import { NO_REMOTES, TaskRecord } from './task-record.js';
import { poolTelemetry, type PoolGauges, type PoolTelemetry } from './telemetry.js';
import { moduleLoadError } from './typescript-loader.js';
import { WorkerSet } from './worker-set.js';
import { now } from './clock.js';

// One executor for every task's promise (no closure per task): it stores resolve/reject on the
// record being created, which `run` names here just before `new Promise` and clears right after.
let settlersFor: PoolTask | undefined;
function takeSettlers(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  settlersFor!.resolve = resolve;
  settlersFor!.reject = reject;
}

/** A task module export: its module's index and its name. */
type Ref = readonly [number, string];

export class PoolCore implements RunPath {
  readonly kind: PoolConfig['kind'];
  readonly maxWorkers: number;
  readonly registry: RemoteRegistry = new RemoteRegistry();
  readonly sink: EventSink;
  readonly workerSet: WorkerSet;
  readonly dispatcher: Dispatcher;
  readonly tasks: TaskLifecycle;
  /** OpenTelemetry (telemetry.ts); `undefined` when off or the API does not resolve. */
  readonly telemetry: PoolTelemetry | undefined;
  readonly #config: PoolConfig;
  #nextTaskId = 1;
  /** First calls waiting for the task modules to load in this thread. */
  #loading = 0;
  closed = false;
  terminated = false;
  broken: Error | undefined = undefined;
  /** The initializer's export; `undefined` while it is being looked up, `null` for none. */
  initRef: Ref | null | undefined = undefined;
  #mainExports: Map<unknown, Ref> | undefined = undefined;
  #mainLoad: Promise<Map<unknown, Ref>> | undefined = undefined;
  readonly #joinWaiters: (() => void)[] = [];
  readonly #maybeFinish = (): void => this.maybeFinish();

  constructor(config: PoolConfig, sink: EventSink) {
    this.#config = config;
    this.kind = config.kind;
    this.maxWorkers = config.maxWorkers;
    this.sink = sink;
    this.workerSet = new WorkerSet(this, config);
    const options = config.options;
    this.telemetry = poolTelemetry(this.kind, options.telemetry, () => this.#gauges());
    const telemetry = this.telemetry;
    // Checked once here like task arguments (each worker's start wraps them again).
    if (options.initArgs !== undefined)
      this.registry.release(
        prepareArgs(options.initArgs, this.kind, 'initArgs', this.registry).remotes,
      );
    this.dispatcher = new Dispatcher(
      {
        kind: this.kind,
        workers: this.workerSet.list,
        halted: () => this.broken !== undefined || this.terminated,
        canSpawn: () => this.workerSet.canSpawn(),
        spawn: () => this.workerSet.spawn(),
        markRunning: (task, time) => this.tasks.start(task, time),
        fail: (task, error) => this.tasks.settle(task, false, error, undefined, undefined),
        drained: (worker) => this.workerSet.drained(worker),
        traced: (task, worker) => telemetry?.assigned(task, worker),
        revoked: (task, worker) => telemetry?.requeued(task, worker.id),
      },
      config.prefetch,
      config.maxTasksPerWorker,
      config.maxQueue,
    );
    this.tasks = new TaskLifecycle({
      sink,
      registry: this.registry,
      abortGracePeriod: config.abortGracePeriod,
      telemetry,
      unqueue: (task) => this.dispatcher.remove(task),
      settled: () => {
        if (this.closed) queueMicrotask(this.#maybeFinish);
      },
    });
    if (options.initializer === undefined) {
      this.initRef = null;
    } else {
      const initializer: unknown = options.initializer;
      this.#loadMain().then(
        (exports) => {
          const ref = exports.get(initializer);
          if (ref === undefined) {
            this.break(
              new TaskNotFoundError(
                `initializer ${(initializer as { name: string }).name}`,
                config.modules,
              ),
              true,
            );
            return;
          }
          this.initRef = ref;
          this.workerSet.fillMinimum();
          this.dispatcher.dispatch();
        },
        (error: unknown) => this.break(error as Error, true),
      );
    }
    this.workerSet.fillMinimum();
  }

  // ---------------------------------------------------------------- the run path

  #loadMain(): Promise<Map<unknown, Ref>> {
    this.#mainLoad ??= (async () => {
      const map = new Map<unknown, Ref>();
      const modules = this.#config.modules;
      for (let i = 0; i < modules.length; i++) {
        const url = modules[i]!;
        let ns: Record<string, unknown>;
        try {
          ns = (await import(url)) as Record<string, unknown>;
        } catch (error) {
          throw moduleLoadError(url, error);
        }
        for (const [name, value] of Object.entries(ns)) {
          if (typeof value === 'function' && !map.has(value)) map.set(value, [i, name]);
        }
        const fallback = ns['default'];
        if ((typeof fallback === 'object' || typeof fallback === 'function') && fallback !== null) {
          for (const [name, value] of Object.entries(fallback)) {
            if (typeof value === 'function' && !map.has(value)) map.set(value, [i, name]);
          }
        }
      }
      this.#mainExports = map;
      return map;
    })();
    return this.#mainLoad;
  }

  #refOf(fn: unknown): Ref {
    if (typeof fn !== 'function')
      throw new TypeError(`Expected an exported function of a task module, got ${typeof fn}`);
    const ref = this.#mainExports!.get(fn);
    if (ref === undefined)
      throw new TaskNotFoundError(
        fn.name === '' ? '<anonymous function>' : fn.name,
        this.#config.modules,
      );
    return ref;
  }

  // No closure in runFn, run or TaskLifecycle.start (the per-task path): a function whose
  // parameters or locals a closure captures allocates a context on every call, even when the
  // closure is on a branch it does not take. The rare paths that need closures are methods of
  // their own (#runAfterLoad, #runWhenRoom, #watchSignal).
  runFn(
    fn: unknown,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask?: TaskObserver,
    make: PromiseMaker = Promise,
  ): Promise<unknown> {
    if (this.#mainExports === undefined)
      return this.#runAfterLoad(fn, args, flags, options, onTask);
    let ref: Ref;
    try {
      ref = this.#refOf(fn);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the thrown error, passed on as is
      return Promise.reject(error);
    }
    return this.run(ref[0], ref[1], args, flags, options, onTask, false, make);
  }

  // First call: the task modules are imported here once, so functions can be told apart by
  // identity. The call is accepted now; a close() meanwhile does not refuse it.
  #runAfterLoad(
    fn: unknown,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask: TaskObserver | undefined,
  ): Promise<unknown> {
    const refused = this.#refuse();
    if (refused !== undefined) return Promise.reject(refused);
    this.#loading++;
    return this.#loadMain()
      .finally(() => {
        this.#loading--;
      })
      .then(() => {
        const ref = this.#refOf(fn);
        return this.run(ref[0], ref[1], args, flags, options, onTask, true);
      })
      .finally(this.#maybeFinish);
  }

  #refuse(accepted = false): Error | undefined {
    if (this.terminated)
      return new PoolTerminatedError('The pool was terminated; it takes no more work');
    if (this.broken !== undefined)
      return new PoolBrokenError('The pool is broken; it takes no more work', {
        cause: this.broken,
      });
    if (this.closed && !accepted)
      return new PoolClosedError('The pool is closed; it takes no more work');
    return undefined;
  }

  /**
   * Queue export `name` of module `mod` with `args`: the one path every call takes. `accepted`: the
   * call was accepted before a close(); `make`: the class of the task's promise (runFn's).
   */
  run(
    mod: number,
    name: string,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask?: TaskObserver,
    accepted = false,
    make: PromiseMaker = Promise,
  ): Promise<unknown> {
    const refused = this.#refuse(accepted);
    if (refused !== undefined) return Promise.reject(refused);
    if (!Array.isArray(args))
      return Promise.reject(
        new TypeError(`Expected the task's arguments as an array, got ${typeof args}`),
      );
    const signal = options?.signal;
    if (signal?.aborted === true)
      return Promise.reject(
        new TaskAbortedError('The task was aborted before it was queued', { cause: signal.reason }),
      );
    let sent: unknown = args;
    let remotes = NO_REMOTES;
    // Fast path: all-primitive args need no check (no walk, no ids, no result object).
    if ((flags & (FLAG_MAP | FLAG_STARMAP)) === 0 && !allPrimitive(args)) {
      try {
        const prepared = prepareArgs(args as unknown[], this.kind, 'args', this.registry);
        sent = prepared.args;
        remotes = prepared.remotes;
        if (prepared.shared) flags |= FLAG_SHARED;
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the thrown error, passed on as is
        return Promise.reject(error);
      }
    }
    if (options !== undefined && (options.timeout !== undefined || signal !== undefined)) {
      if (options.timeout !== undefined && !(options.timeout > 0)) {
        this.registry.release(remotes);
        return Promise.reject(
          new PoolOptionRangeError(
            'timeout',
            `expected a number of ms > 0, got ${String(options.timeout)}`,
          ),
        );
      }
      flags |= FLAG_WATCHED;
    }
    const telemetry = this.telemetry;
    if (telemetry !== undefined) flags |= telemetry.traceFlag();
    const dispatcher = this.dispatcher;
    if (!dispatcher.hasRoom()) {
      // Whatever happens next (refused, or prepared again once there is room), these ids go.
      this.registry.release(remotes);
      if (this.#config.options.onQueueFull !== 'wait') {
        return Promise.reject(
          new QueueFullError(
            `The queue already holds maxQueue (${String(this.#config.maxQueue)}) tasks`,
          ),
        );
      }
      return this.#runWhenRoom(mod, name, args, flags, options, onTask, accepted);
    }
    const task: PoolTask = new TaskRecord(
      this.#nextTaskId++,
      mod,
      name,
      sent,
      flags,
      options,
      now(),
    );
    if (remotes.length > 0) task.more().remotes = remotes;
    settlersFor = task;
    const promise = new make(takeSettlers);
    settlersFor = undefined;
    if (signal !== undefined) this.#watchSignal(task, signal);
    dispatcher.queue.push(task);
    onTask?.queued(task);
    if ((flags & FLAG_TRACED) !== 0) telemetry!.queued(task);
    if (wanted(this.sink, 'task:queued'))
      publish(this.sink, 'task:queued', { taskId: task.id, name, time: task.queuedAt });
    dispatcher.schedule();
    return promise;
  }

  // onQueueFull 'wait': queue the call once there is room (it is checked and prepared again then).
  #runWhenRoom(
    mod: number,
    name: string,
    args: unknown,
    flags: number,
    options: TaskOptions | undefined,
    onTask: TaskObserver | undefined,
    accepted: boolean,
  ): Promise<unknown> {
    return this.dispatcher
      .waitForRoom(
        options?.signal,
        (reason) =>
          new TaskAbortedError('The task was aborted while waiting for room in the queue', {
            cause: reason,
          }),
      )
      .then(() =>
        this.run(mod, name, args, flags & ~(FLAG_SHARED | FLAG_TRACED), options, onTask, accepted),
      );
  }

  // Its signal aborts it wherever it is (TaskLifecycle.abort); settle removes the listener.
  #watchSignal(task: PoolTask, signal: AbortSignal): void {
    const listener = (): void => this.tasks.abort(task);
    task.more().abortListener = listener;
    signal.addEventListener('abort', listener, { once: true });
  }

  cancel(task: PoolTask, error: Error): boolean {
    if (task.state !== 'queued') return false;
    this.dispatcher.remove(task);
    this.tasks.settle(task, false, error, undefined, undefined, 'cancel');
    return true;
  }

  /** shutdown({ cancelFutures }): queued --cancel--> cancelled for every task in the queue. */
  cancelQueued(make: () => Error): void {
    const queue = this.dispatcher.queue;
    for (let task = queue.shift(); task !== undefined; task = queue.shift())
      this.tasks.settle(task, false, make(), undefined, undefined, 'cancel');
    this.dispatcher.wakeRoom();
  }

  // ---------------------------------------------------------------- the pool's lifecycle

  ready(): Promise<void> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    if (this.terminated) return Promise.reject(new PoolTerminatedError('The pool was terminated'));
    if (this.workerSet.readyCount() >= this.#config.minWorkers) return Promise.resolve();
    return new Promise((resolve, reject) => this.workerSet.readyWaiters.push({ resolve, reject }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dispatcher.releaseRoomWaiters();
    this.maybeFinish();
  }

  /** Everything is over: closed, nothing queued, loading or alive. */
  #finished(): boolean {
    return (
      this.workerSet.list.length === 0 && this.dispatcher.queue.length === 0 && this.#loading === 0
    );
  }

  join(): Promise<void> {
    if (!this.closed && !this.terminated) {
      return Promise.reject(
        new ProcessPoolError(
          'join() waits for a closed pool: call close() or terminate() first (as in Python)',
        ),
      );
    }
    if (this.#finished()) return Promise.resolve();
    return new Promise((resolve) => this.#joinWaiters.push(resolve));
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.closed = true;
    this.#failAll(() => new PoolTerminatedError('The pool was terminated before the task settled'));
    for (const waiter of this.workerSet.readyWaiters.splice(0))
      waiter.reject(new PoolTerminatedError('The pool was terminated before it was ready'));
    for (const worker of [...this.workerSet.list]) worker.kill();
  }

  /** The counts stats() and the metrics read, computed on read. */
  #gauges(): PoolGauges & { inFlight: number } {
    const t = now();
    let busy = 0;
    let inFlight = 0;
    let busyMs = this.workerSet.deadBusyMs;
    let aliveMs = this.workerSet.deadAliveMs;
    for (const worker of this.workerSet.list) {
      const held = worker.inflight.length;
      if (held > 0) busy++;
      inFlight += held;
      busyMs += worker.busyMs;
      aliveMs += t - worker.spawnedAt;
    }
    const workers = this.workerSet.list.length;
    return {
      queued: this.dispatcher.queue.length,
      running: busy,
      workers,
      busyMs,
      aliveMs,
      inFlight,
    };
  }

  /** Computed on read: nothing on the per-task path keeps these up to date. */
  stats(): PoolStats {
    const { queued, running: busy, workers, busyMs, aliveMs, inFlight } = this.#gauges();
    return {
      workers,
      busyWorkers: busy,
      idleWorkers: workers - busy,
      queued,
      inFlight,
      completed: this.tasks.completed,
      failed: this.tasks.failed,
      utilization: aliveMs > 0 ? Math.min(1, busyMs / aliveMs) : 0,
      wait: this.tasks.waitSamples.percentiles(),
      run: this.tasks.runSamples.percentiles(),
    };
  }

  #failAll(make: () => Error): void {
    const queue = this.dispatcher.queue;
    for (let task = queue.shift(); task !== undefined; task = queue.shift())
      this.tasks.settle(task, false, make(), undefined, undefined);
    for (const worker of this.workerSet.list) {
      for (let i = 0; i < worker.inflight.length; i++) {
        const task = worker.inflight.at(i)!;
        if (task.isOut()) this.tasks.settle(task, false, make(), undefined, undefined);
      }
    }
    this.dispatcher.releaseRoomWaiters();
  }

  /** Break the pool: `passThrough` fails pending work with `error` itself, else with PoolBrokenError. */
  break(error: Error, passThrough: boolean): void {
    if (this.broken !== undefined || this.terminated) return;
    this.broken = error;
    this.closed = true;
    this.#failAll(() =>
      passThrough
        ? error
        : new PoolBrokenError('The pool broke before the task ran: a worker died', {
            cause: error,
          }),
    );
    for (const waiter of this.workerSet.readyWaiters.splice(0)) waiter.reject(error);
    for (const worker of [...this.workerSet.list]) worker.kill();
    this.maybeFinish();
  }

  /** A closed pool retires workers with nothing to do and resolves join() once all are gone. */
  maybeFinish(): void {
    if (!this.closed) return;
    if (this.dispatcher.queue.length === 0) {
      for (const worker of [...this.workerSet.list])
        if (worker.inflight.length === 0) worker.retire();
    }
    if (this.#finished()) {
      this.telemetry?.close();
      for (const resolve of this.#joinWaiters.splice(0)) resolve();
    }
  }
}
