// The worker runtime: the script every pool worker runs, thread or child process. It loads the task
// modules, runs the initializer, then executes tasks one at a time in arrival order. Tasks arrive in
// batches and results leave in batches (flushed when the local queue empties, every 64 results or
// after 1 ms), except "watched" tasks (timeout or signal), whose start and end are reported promptly.
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { isMainThread, parentPort, receiveMessageOnPort, threadId } from 'node:worker_threads';
import {
  CONTEXT_KEY,
  FLAG_MAP,
  FLAG_SHARED,
  FLAG_STARMAP,
  FLAG_WATCHED,
  REMOTE_MARK,
  RESULT_STRIDE,
  SHARED_MARK,
  STATUS_ERROR,
  STATUS_NOT_SENDABLE,
  STATUS_OK,
  STATUS_SKIPPED,
  TASK_STRIDE,
  type FromWorker,
  type InitMessage,
  type RunMessage,
  type ToWorker,
} from './protocol.js';
import { flattenError } from './remote-error.js';
import {
  installRemoteClient,
  onReplies,
  reviveRemote,
  type RemoteHandle,
} from './remote-client.js';
import { startRecorder } from './start-signal.js';
import { reviveShared } from './sync-bridge.js';
import type { WorkerGlobalContext, TaskContext } from './worker-context.js';
import { now } from './clock.js';

/** Status codes only the runtime produces: the pool turns them into its own error classes. */
export const STATUS_MODULE_ERROR = 3;
export const STATUS_NOT_FOUND = 4;

const isThread = !isMainThread && parentPort !== null;
const port = parentPort;

const post: (message: FromWorker) => void = isThread
  ? (message) => port!.postMessage(message)
  : (message) => {
      process.send!(message);
    };
const clone: (value: unknown) => void = isThread
  ? (value) => void structuredClone(value)
  : (value) => void serialize(value);
const cpuNow: () => number = isThread
  ? () => performance.eventLoopUtilization().active
  : () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };

interface QueuedTask {
  readonly id: number;
  readonly mod: number;
  readonly name: string;
  args: unknown;
  readonly flags: number;
}

const als = new AsyncLocalStorage<TaskContext>();
let workerId = -1;
let moduleUrls: readonly string[] = [];
let namespaces: (Record<string, unknown> | undefined)[] = [];
let loadErrors: unknown[] = [];
let ready = false;
let running = false;
let asyncRunning = false;
let queue: (QueuedTask | undefined)[] = [];
let head = 0;
const cancelled = new Set<number>();
let current: TaskContext | undefined;
/** Tells the pool a task starts (at most once: see start-signal.ts). Set by init. */
let recordStart: (id: number) => void = () => undefined;
let startsTracked = false;

let out: unknown[] = [];
let outStart = 0;

const global: WorkerGlobalContext = {
  workerId: -1,
  kind: isThread ? 'thread' : 'process',
  pid: process.pid,
  threadId,
  store: als,
};
(globalThis as Record<symbol, unknown>)[CONTEXT_KEY] = global;

function makeContext(id: number): TaskContext {
  return { id, controller: undefined, aborted: false, reason: undefined };
}

function flush(): void {
  if (out.length === 0) return;
  const batch = out;
  out = [];
  try {
    post({ t: 'done', r: batch });
  } catch {
    // A result (or an error's property) that cannot be cloned: send what can go, and an error for the rest.
    for (let i = 0; i < batch.length; i += RESULT_STRIDE) {
      if (batch[i + 1] !== STATUS_OK && batch[i + 1] !== STATUS_ERROR) continue;
      try {
        clone(batch[i + 2]);
      } catch (error) {
        const what = batch[i + 1] === STATUS_OK ? 'result' : 'error';
        batch[i + 1] = STATUS_NOT_SENDABLE;
        batch[i + 2] = [what, flattenError(error, clone)];
      }
    }
    post({ t: 'done', r: batch });
  }
}

function pushResult(
  id: number,
  status: number,
  value: unknown,
  start: number,
  end: number,
  cpu: number,
): void {
  if (out.length === 0) outStart = end;
  out.push(id, status, value, start, end, cpu);
}

function reviveArgs(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 16) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveArgs(value[i], depth + 1);
    return value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  if (SHARED_MARK in record) return reviveShared(record[SHARED_MARK]);
  if (REMOTE_MARK in record) return reviveRemote(record[REMOTE_MARK] as RemoteHandle);
  for (const key of Object.keys(record)) record[key] = reviveArgs(record[key], depth + 1);
  return value;
}

type Resolved =
  | { readonly fn: (...args: unknown[]) => unknown }
  | { readonly status: number; readonly value: unknown };

function resolveTask(mod: number, name: string): Resolved {
  if (mod === -1) {
    // A call by name: the first module exporting it wins.
    let failed = -1;
    for (let i = 0; i < namespaces.length; i++) {
      if (namespaces[i] === undefined) {
        if (failed === -1) failed = i;
        continue;
      }
      const found = resolveTask(i, name);
      if ('fn' in found) return found;
    }
    return failed === -1 ? { status: STATUS_NOT_FOUND, value: name } : resolveTask(failed, name);
  }
  const ns = namespaces[mod];
  if (ns === undefined)
    return { status: STATUS_MODULE_ERROR, value: [mod, flattenError(loadErrors[mod], clone)] };
  let fn = ns[name];
  if (typeof fn !== 'function') {
    const fallback = ns['default'];
    if ((typeof fallback === 'object' || typeof fallback === 'function') && fallback !== null) {
      fn = (fallback as Record<string, unknown>)[name];
    }
  }
  if (typeof fn !== 'function') return { status: STATUS_NOT_FOUND, value: name };
  return { fn: fn as (...args: unknown[]) => unknown };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

async function mapRest(
  fn: (...args: unknown[]) => unknown,
  items: unknown[],
  spread: boolean,
  results: unknown[],
  from: number,
): Promise<unknown[]> {
  for (let i = from; i < items.length; i++) {
    results[i] = await (spread ? fn(...(items[i] as unknown[])) : fn(items[i]));
  }
  return results;
}

function invoke(task: QueuedTask, fn: (...args: unknown[]) => unknown): unknown {
  const args = task.args as unknown[];
  if ((task.flags & (FLAG_MAP | FLAG_STARMAP)) === 0) return fn(...args);
  const spread = (task.flags & FLAG_STARMAP) !== 0;
  const results = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) {
    const r = spread ? fn(...(args[i] as unknown[])) : fn(args[i]);
    if (isThenable(r)) {
      return Promise.resolve(r).then((v) => {
        results[i] = v;
        return mapRest(fn, args, spread, results, i + 1);
      });
    }
    results[i] = r;
  }
  return results;
}

// After the queue empties, a thread worker polls its port for a few microseconds before going
// back to the event loop: a caller awaiting tasks one by one sends the next one within that window,
// and picking it up here saves the event-loop wake-up on each round trip.
const SPIN_MS = 0.05;

/** Whether this runtime lets a thread poll its parent port synchronously (Deno does not). */
let canPollPort = true;

function spinForMore(): boolean {
  if (!isThread || !canPollPort) return false;
  const until = performance.now() + SPIN_MS;
  do {
    let received: { message: unknown } | undefined;
    try {
      received = receiveMessageOnPort(port!);
    } catch (error) {
      // Deno's parentPort is not a MessagePort its receiveMessageOnPort accepts (it throws before
      // taking anything off the port): stop polling and wait for the next message as an event.
      canPollPort = false;
      if (error instanceof TypeError) return false;
      throw error;
    }
    if (received !== undefined) {
      const message = received.message as ToWorker;
      if (message.t !== 'run') {
        onMessage(message);
        return head < queue.length;
      }
      enqueue(message);
      return true;
    }
  } while (performance.now() < until);
  return false;
}

function enqueue(message: RunMessage): void {
  const b = message.b;
  for (let i = 0; i < b.length; i += TASK_STRIDE) {
    queue.push({
      id: b[i] as number,
      mod: b[i + 1] as number,
      name: b[i + 2] as string,
      args: b[i + 3],
      flags: b[i + 4] as number,
    });
  }
}

function drain(): void {
  running = true;
  for (;;) {
    drainQueue();
    if (!running) return; // an async task took over
    flush();
    if (!spinForMore()) break;
  }
  running = false;
}

function drainQueue(): void {
  while (head < queue.length) {
    const task = queue[head]!;
    queue[head++] = undefined;
    if (head >= 1024 && head * 2 >= queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    if (cancelled.size > 0 && cancelled.delete(task.id)) {
      const t = now();
      pushResult(task.id, STATUS_SKIPPED, undefined, t, t, 0);
      continue;
    }
    const watched = (task.flags & FLAG_WATCHED) !== 0;
    recordStart(task.id);
    if (watched) flush();
    const start = now();
    const resolved = resolveTask(task.mod, task.name);
    if (!('fn' in resolved)) {
      pushResult(task.id, resolved.status, resolved.value, start, start, 0);
      continue;
    }
    if ((task.flags & FLAG_SHARED) !== 0) task.args = reviveArgs(task.args, 0);
    const cpu0 = cpuNow();
    const ctx = makeContext(task.id);
    current = ctx;
    let result: unknown;
    let status = STATUS_OK;
    try {
      result = als.run(ctx, invoke, task, resolved.fn);
    } catch (error) {
      status = STATUS_ERROR;
      result = error;
    }
    if (status === STATUS_OK && isThenable(result)) {
      flush();
      running = false;
      asyncRunning = true;
      Promise.resolve(result).then(
        (value) => {
          complete(task, ctx, STATUS_OK, value, start, cpu0);
          asyncRunning = false;
          drain();
        },
        (error: unknown) => {
          complete(task, ctx, STATUS_ERROR, error, start, cpu0);
          asyncRunning = false;
          drain();
        },
      );
      return;
    }
    complete(task, ctx, status, result, start, cpu0);
  }
}

function complete(
  task: QueuedTask,
  ctx: TaskContext,
  status: number,
  value: unknown,
  start: number,
  cpu0: number,
): void {
  const end = now();
  const cpu = cpuNow() - cpu0;
  if (current === ctx) current = undefined;
  pushResult(
    task.id,
    status,
    status === STATUS_ERROR ? flattenError(value, clone) : value,
    start,
    end,
    cpu,
  );
  if (
    (task.flags & FLAG_WATCHED) !== 0 ||
    out.length >= 64 * RESULT_STRIDE ||
    end - outStart >= 1
  ) {
    // The next task starts right after this, with no event-loop turn between: record its start
    // before the pool hears of this result, since the pool then counts it as running.
    announceNext();
    flush();
  }
}

/** Record the start of the task the worker runs next, if there is one. */
function announceNext(): void {
  if (head < queue.length) recordStart(queue[head]!.id);
}

/**
 * Register tsx's hooks in this thread. tsx's `--import` entry leaves worker threads alone on Node
 * versions without `module.registerHooks` (Node 20), so a thread of a program run under tsx would
 * not load TypeScript; on newer Node the second registration is harmless. A failure here is left
 * to the module import that follows, which then fails with TypeScriptUnsupportedError.
 */
async function registerTsx(api: string): Promise<void> {
  try {
    const { register } = (await import(pathToFileURL(api).href)) as { register?: () => unknown };
    register?.();
  } catch {
    // See above: the import of the task modules reports it.
  }
}

async function init(message: InitMessage): Promise<void> {
  workerId = message.workerId;
  global.workerId = workerId;
  const recorder = startRecorder(message.startCell, isThread);
  recordStart = recorder.record;
  startsTracked = recorder.tracked;
  moduleUrls = message.modules;
  if (message.tsxApi !== undefined) await registerTsx(message.tsxApi);
  const loaded = await Promise.all(
    moduleUrls.map((url) =>
      import(url).then(
        (ns: Record<string, unknown>) => ({ ns, error: undefined as unknown }),
        (error: unknown) => ({ ns: undefined, error }),
      ),
    ),
  );
  namespaces = loaded.map((l) => l.ns);
  loadErrors = loaded.map((l) => l.error);
  if (message.strictModules) {
    const failed = loaded.findIndex((l) => l.ns === undefined);
    if (failed !== -1) {
      post({
        t: 'init-error',
        phase: 'module',
        module: moduleUrls[failed],
        error: flattenError(loadErrors[failed], clone),
      });
      return;
    }
  }
  if (message.initializer !== null) {
    const [mod, name] = message.initializer;
    const resolved = resolveTask(mod, name);
    try {
      if (!('fn' in resolved)) {
        throw resolved.status === STATUS_MODULE_ERROR
          ? new Error(`Task module ${String(moduleUrls[mod])} failed to load`, {
              cause: loadErrors[mod],
            })
          : new Error(
              `Initializer ${name} is not an exported function of ${String(moduleUrls[mod])}`,
            );
      }
      const fn = resolved.fn;
      const initArgs = message.initShared
        ? (reviveArgs([...message.initArgs], 0) as unknown[])
        : message.initArgs;
      await als.run(makeContext(-1), () => fn(...initArgs));
    } catch (error) {
      post({
        t: 'init-error',
        phase: 'initializer',
        module: moduleUrls[mod],
        error: flattenError(error, clone),
      });
      return;
    }
  }
  // The pool counts the first task as running once it hears 'ready'.
  announceNext();
  post({ t: 'ready', pid: process.pid, threadId, starts: startsTracked });
  ready = true;
  drain();
}

function abortCurrent(id: number): void {
  const ctx = current;
  if (ctx !== undefined && ctx.id === id) {
    ctx.aborted = true;
    ctx.reason = new Error('The task was aborted by the pool');
    ctx.controller?.abort(ctx.reason);
  } else {
    cancelled.add(id);
  }
}

function onMessage(message: ToWorker): void {
  switch (message.t) {
    case 'run':
      enqueue(message);
      if (ready && !running && !asyncRunning) drain();
      break;
    case 'abort':
      abortCurrent(message.id);
      break;
    case 'cancel':
      cancelled.add(message.id);
      break;
    case 'init':
      void init(message);
      break;
    case 'replies':
      onReplies(message);
      break;
    case 'exit':
      flush();
      process.exit(0);
  }
}

// A worker that exits (process.exit in a task, an uncaught exception) sends the results it still
// holds first, so tasks that finished are not reported as lost (at most once: they are not re-run).
process.on('exit', () => {
  try {
    flush();
  } catch {
    // the channel is already gone
  }
});

if (isThread) {
  port!.on('message', onMessage);
} else {
  // Queues and pipes passed to a process worker live in the pool; their proxies call it.
  installRemoteClient(post, () => als.getStore()?.id ?? -1);
  process.on('message', onMessage as (message: unknown) => void);
  // An orphaned child (the pool's process died) must not linger.
  process.on('disconnect', () => process.exit(0));
}
