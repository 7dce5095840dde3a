// The pool's side of Queue, JoinableQueue and Connection for process workers, modelled on
// Python's multiprocessing managers: the parent holds the real object in a table, the child holds a
// proxy with the same methods. Asynchronous calls arrive as IPC messages; blocking calls arrive as
// length-prefixed frames on a socket pair (the child blocks in readSync until the reply lands).
// Either way the parent serves them with the real object's non-blocking or async forms, so its
// event loop never blocks, and every wait carries an AbortController that fires when the task or
// the worker goes away, so a dead child leaves no ghost getter behind.
import type { Duplex } from 'node:stream';
import { serialize, deserialize } from 'node:v8';
import { WorkerProtocolError } from '../errors.js';
import { frameProblem } from './protocol-check.js';
import { CALL_STRIDE, type RepliesMessage } from './protocol.js';
import { flattenError } from './remote-error.js';
import {
  InvalidHandleError,
  JoinTimeoutError,
  QueueClosedError,
  QueueEmptyError,
  QueueFullError,
  WaitAbortedError,
  type RemoteType,
} from './sync-bridge.js';

type Method = (...args: unknown[]) => unknown;
type Target = Record<string, Method>;
type Op = (target: Target, args: unknown[], signal: AbortSignal) => unknown;

interface Entry {
  readonly target: Target;
  readonly type: RemoteType;
  refs: number;
}

/**
 * The table of objects the pool holds for process workers, one per pool. An object passed to
 * several tasks has one id; it leaves the table when the last task that received it settles.
 */
export class RemoteRegistry {
  readonly #ids = new Map<object, number>();
  readonly #entries = new Map<number, Entry>();
  #next = 1;

  /** Hold `target` for one more task; returns its id. */
  register(target: object, type: RemoteType): number {
    let id = this.#ids.get(target);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(target, id);
      this.#entries.set(id, { target: target as Target, type, refs: 0 });
    }
    this.#entries.get(id)!.refs++;
    return id;
  }

  /** One task that received these ids settled. */
  release(ids: readonly number[]): void {
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry === undefined || --entry.refs > 0) continue;
      this.#entries.delete(id);
      this.#ids.delete(entry.target);
    }
  }

  /** The live entry of `id`, or `undefined` once every task that received it has settled. */
  get(id: number): Entry | undefined {
    return this.#entries.get(id);
  }

  /** How many objects are held (for tests of the no-leak rule). */
  get size(): number {
    return this.#entries.size;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// The options of an async form: the child's options with the pool-side signal. Anything that is
// not an options object goes through unchanged, so the real method rejects it with its own error.
function withSignal(options: unknown, signal: AbortSignal, keep?: readonly string[]): unknown {
  if (options === undefined) return { signal };
  if (!isRecord(options)) return options;
  const out: Record<string, unknown> = { signal };
  for (const key of keep ?? Object.keys(options)) {
    if (key !== 'signal' && options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

const TIMEOUT_ONLY = ['timeout'] as const;

// The non-blocking forms (`tryGet`, `get({ block: false })`, …) are served by the async forms
// with a zero timeout: the same single attempt, but a read that meets a large item half-written
// (chunked) waits for the rest on the event loop instead of in Atomics.wait, which on the pool's
// own thread would wait for a writer that can never run.
const ONCE = { timeout: 0 } as const;

async function tryOnce<T>(
  attempt: Promise<T>,
  miss: (error: unknown) => T | undefined,
): Promise<T> {
  try {
    return await attempt;
  } catch (error) {
    const answer = miss(error);
    if (answer === undefined) throw error;
    return answer;
  }
}

// `{ block: false }` alone means one attempt; any other options go to the blocking form's
// validation first (a timeout with block: false, a block that is not a boolean).
function blockMode(options: unknown): 'once' | 'wait' | 'invalid' {
  if (!isRecord(options) || options['block'] === undefined || options['block'] === true)
    return 'wait';
  return options['block'] === false && options['timeout'] === undefined ? 'once' : 'invalid';
}

const queueOps: Record<string, Op> = {
  put: (t, [item, options], signal) => {
    const mode = blockMode(options);
    if (mode === 'invalid') return t['put']!(item, options);
    return t['putAsync']!(item, mode === 'once' ? ONCE : withSignal(options, signal, TIMEOUT_ONLY));
  },
  get: (t, [options], signal) => {
    const mode = blockMode(options);
    if (mode === 'invalid') return t['get']!(options);
    return t['getAsync']!(mode === 'once' ? ONCE : withSignal(options, signal, TIMEOUT_ONLY));
  },
  putAsync: (t, [item, options], signal) => t['putAsync']!(item, withSignal(options, signal)),
  getAsync: (t, [options], signal) => t['getAsync']!(withSignal(options, signal)),
  tryPut: (t, [item]) =>
    tryOnce(
      (t['putAsync']!(item, ONCE) as Promise<unknown>).then(() => true),
      (error) => (error instanceof QueueFullError ? false : undefined),
    ),
  tryGet: (t) =>
    tryOnce<object>(
      (t['getAsync']!(ONCE) as Promise<unknown>).then((value) => ({ ok: true, value })),
      (error) =>
        error instanceof QueueEmptyError
          ? { ok: false, reason: 'empty' }
          : error instanceof QueueClosedError
            ? { ok: false, reason: 'closed' }
            : undefined,
    ),
  size: (t) => t['size']!(),
  empty: (t) => t['empty']!(),
  full: (t) => t['full']!(),
  close: (t) => t['close']!(),
  closed: (t) => (t as unknown as { closed: boolean }).closed,
};

// join({ timeout }) answers false where joinAsync({ timeout }) rejects with JoinTimeoutError.
const joinableOps: Record<string, Op> = {
  ...queueOps,
  taskDone: (t) => t['taskDone']!(),
  unfinishedTasks: (t) => t['unfinishedTasks']!(),
  join: (t, [options], signal) =>
    tryOnce(
      (t['joinAsync']!(withSignal(options, signal, TIMEOUT_ONLY)) as Promise<unknown>).then(
        () => true,
      ),
      (error) => (error instanceof JoinTimeoutError ? false : undefined),
    ),
  joinAsync: (t, [options], signal) => t['joinAsync']!(withSignal(options, signal)),
};

// send() waits only while the ring is full: served by sendAsync, so the wait is on the event loop.
const connectionOps: Record<string, Op> = {
  send: (t, [value], signal) => t['sendAsync']!(value, { signal }),
  sendAsync: (t, [value, options], signal) => t['sendAsync']!(value, withSignal(options, signal)),
  recv: (t, [options], signal) => t['recvAsync']!(withSignal(options, signal, TIMEOUT_ONLY)),
  recvAsync: (t, [options], signal) => t['recvAsync']!(withSignal(options, signal)),
  poll: (t, [timeout], signal) => pollFor(t, timeout, signal),
  close: (t) => t['close']!(),
  closed: (t) => (t as unknown as { closed: boolean }).closed,
  readable: (t) => (t as unknown as { readable: boolean }).readable,
  writable: (t) => (t as unknown as { writable: boolean }).writable,
};

// Connection has no async poll: a timed poll from a worker checks the pipe at growing intervals
// (1 ms up to 16 ms), so the parent's event loop stays free. A zero, missing or malformed timeout
// goes straight to the real, non-blocking poll.
async function pollFor(t: Target, timeout: unknown, signal: AbortSignal): Promise<unknown> {
  if (typeof timeout !== 'number' || !(timeout > 0)) return t['poll']!(timeout);
  const deadline = performance.now() + timeout;
  for (let step = 1; ; step = Math.min(step * 2, 16)) {
    if (t['poll']!(0) === true) return true;
    const left = deadline - performance.now();
    if (left <= 0 || signal.aborted) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(step, left));
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

const OPS: Record<RemoteType, Record<string, Op>> = {
  Queue: queueOps,
  JoinableQueue: joinableOps,
  Connection: connectionOps,
};

const clone = (value: unknown): void => void serialize(value);

// The writes that may wait for room, served in call order per worker and object. The forms that
// answer at once (tryPut, put with block: false) are not held behind them, as in a thread.
function isQueuedWrite(method: string, args: unknown[]): boolean {
  if (method === 'put') return blockMode(args[1]) === 'wait';
  return method === 'putAsync' || method === 'send' || method === 'sendAsync';
}

/** What the host needs of its worker's channel (worker-channel.ts). */
export interface HostLink {
  send(message: RepliesMessage): void;
  readonly callSocket: Duplex | undefined;
  /** Largest frame accepted on the call socket, in bytes (the `maxCallFrameBytes` option). */
  readonly maxCallFrameBytes: number;
  /** Whether task `task` of this worker was handed object `id` (remote-scope.ts). */
  holds(task: number, id: number): boolean;
  /** The worker broke the protocol: kill it (worker-channel.ts). */
  fault(error: Error): void;
}

interface Call {
  readonly task: number;
  readonly controller: AbortController;
}

/** Reason given to pool-side waits when their worker or task goes away. */
function goneReason(what: string): Error {
  return new Error(`The ${what} that made this call went away`);
}

/**
 * The calls of one process worker: serves its IPC calls and its blocking frames, and aborts what
 * is pending when a task of the worker is aborted or the worker exits.
 */
export class RemoteHost {
  readonly #registry: RemoteRegistry;
  readonly #link: HostLink;
  readonly #socket: Duplex | undefined;
  readonly #calls = new Map<number, Call>();
  // Tasks aborted while running: a call of theirs still on its way here must not start a wait
  // that nobody will collect. Ids only grow; the oldest are dropped past a small bound.
  readonly #aborted = new Set<number>();
  #blocking: Call | undefined = undefined;
  // The frame being read: its 4-byte header, then a body allocated once at its announced length
  // (checked against the limit first), filled in place as chunks arrive.
  readonly #header = Buffer.alloc(4);
  #headerHave = 0;
  #body: Buffer | undefined = undefined;
  #bodyHave = 0;
  // Highest async call id started so far, and a blocking frame waiting for an earlier async call.
  #started = 0;
  #deferred: { readonly after: number; readonly serve: () => void } | undefined = undefined;
  #replies: unknown[] = [];
  readonly #writes = new Map<number, Promise<unknown>>();
  #closed = false;

  constructor(registry: RemoteRegistry, link: HostLink) {
    this.#registry = registry;
    this.#link = link;
    const socket = link.callSocket;
    this.#socket = socket;
    socket?.on('data', (chunk: Buffer) => this.#onData(chunk));
    // The child's end closes when it exits; the exit itself is handled by close().
    socket?.on('error', () => {});
  }

  /** A batch of asynchronous calls from the worker, started in order. */
  onCalls(batch: unknown[]): void {
    for (let i = 0; i < batch.length; i += CALL_STRIDE) {
      const c = batch[i] as number;
      const task = batch[i + 1] as number;
      const call: Call = { task, controller: new AbortController() };
      this.#calls.set(c, call);
      this.#started = c;
      void this.#start(
        task,
        batch[i + 2] as number,
        batch[i + 3] as string,
        batch[i + 4] as unknown[],
        call.controller.signal,
      ).then(([ok, v]) => {
        this.#calls.delete(c);
        this.#reply(c, ok, v);
      });
    }
    const deferred = this.#deferred;
    if (deferred !== undefined && deferred.after <= this.#started) {
      this.#deferred = undefined;
      deferred.serve();
    }
  }

  // Replies settled in one event-loop turn leave as one message.
  #reply(c: number, ok: boolean, v: unknown): void {
    if (this.#closed) return;
    if (this.#replies.length === 0) setImmediate(() => this.#flushReplies());
    this.#replies.push(c, ok, v);
  }

  #flushReplies(): void {
    const b = this.#replies;
    this.#replies = [];
    if (!this.#closed && b.length > 0) this.#link.send({ t: 'replies', b });
  }

  /** The worker gave up on an asynchronous call (its signal fired). */
  onCallAbort(c: number): void {
    this.#calls.get(c)?.controller.abort(new Error('The worker aborted the call'));
  }

  /** A task of this worker was aborted or timed out: its pending waits end now. */
  abortTask(task: number): void {
    this.#aborted.add(task);
    if (this.#aborted.size > 256) this.#aborted.delete(this.#aborted.values().next().value!);
    for (const call of this.#calls.values())
      if (call.task === task) call.controller.abort(goneReason('task'));
    if (this.#blocking?.task === task) this.#blocking.controller.abort(goneReason('task'));
  }

  /** The worker exited: abort every pending wait and answer nothing more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of this.#calls.values()) call.controller.abort(goneReason('worker'));
    this.#blocking?.controller.abort(goneReason('worker'));
    this.#body = undefined;
    this.#replies = [];
    this.#deferred = undefined;
    this.#socket?.destroy();
  }

  // Writes from this worker to one object run one after another, in the order they were made:
  // a loop of putAsync() lands in order even when the queue is full (and thousands of calls in one
  // batch wait as one writer, not as thousands), and a blocking put() never overtakes them.
  #start(
    task: number,
    id: number,
    method: string,
    args: unknown[],
    signal: AbortSignal,
  ): Promise<[boolean, unknown]> {
    if (!isQueuedWrite(method, args)) return this.#run(task, id, method, args, signal);
    const previous = this.#writes.get(id);
    const run =
      previous === undefined
        ? this.#run(task, id, method, args, signal)
        : previous.then(() => this.#run(task, id, method, args, signal));
    this.#writes.set(id, run);
    void run.then(() => {
      if (this.#writes.get(id) === run) this.#writes.delete(id);
    });
    return run;
  }

  async #run(
    task: number,
    id: number,
    method: string,
    args: unknown[],
    signal: AbortSignal,
  ): Promise<[boolean, unknown]> {
    try {
      if (this.#aborted.has(task))
        throw new WaitAbortedError(
          `${method}() was not started: the task that called it was aborted`,
        );
      // Only what this task (or this worker, through initArgs) was handed: ids are small
      // integers a child can guess, and the table is the whole pool's.
      if (!this.#link.holds(task, id)) {
        throw new InvalidHandleError(
          `This ${method}() went to a queue or pipe that was not handed to this task or its worker (pass it in the task's args, or in initArgs)`,
        );
      }
      const entry = this.#registry.get(id);
      if (entry === undefined) {
        throw new InvalidHandleError(
          `This ${method}() went to a queue or pipe the pool no longer holds for the worker: every task that received it has settled (pass it to the task that uses it)`,
        );
      }
      const op = OPS[entry.type][method];
      if (op === undefined)
        throw new TypeError(`${entry.type} has no method ${JSON.stringify(method)}`);
      return [true, await op(entry.target, args, signal)];
    } catch (error) {
      return [false, flattenError(error, clone)];
    }
  }

  // Frames: a 4-byte little-endian length, then a v8-serialized [task, id, method, args, after].
  // The child sends one frame and blocks until it is answered: bytes arriving while a frame is
  // being served break the protocol. Each byte is copied once, whatever the chunking.
  #onData(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.#closed) {
      if (this.#blocking !== undefined || this.#deferred !== undefined) {
        this.#protocolError('a second call frame before the first was answered');
        return;
      }
      let body = this.#body;
      if (body === undefined) {
        const n = Math.min(4 - this.#headerHave, chunk.length - at);
        chunk.copy(this.#header, this.#headerHave, at, at + n);
        this.#headerHave += n;
        at += n;
        if (this.#headerHave < 4) return;
        const length = this.#header.readUInt32LE(0);
        const limit = this.#link.maxCallFrameBytes;
        if (length > limit) {
          this.#protocolError(
            `a call frame of ${String(length)} bytes, over the limit of ${String(limit)} (the maxCallFrameBytes pool option; use putAsync/sendAsync for larger items or raise the limit)`,
          );
          return;
        }
        body = this.#body = Buffer.allocUnsafe(length);
        this.#bodyHave = 0;
      }
      const n = Math.min(body.length - this.#bodyHave, chunk.length - at);
      chunk.copy(body, this.#bodyHave, at, at + n);
      this.#bodyHave += n;
      at += n;
      if (this.#bodyHave < body.length) return;
      this.#body = undefined;
      this.#headerHave = 0;
      this.#onFrame(body);
    }
  }

  #onFrame(frame: Buffer): void {
    let decoded: unknown;
    let problem: string | undefined;
    try {
      decoded = deserialize(frame);
      problem = frameProblem(decoded);
    } catch (error) {
      problem = `a call frame that cannot be decoded (${error instanceof Error ? error.message : String(error)})`;
    }
    if (problem !== undefined) {
      this.#protocolError(problem);
      return;
    }
    const [task, id, method, args, after] = decoded as [number, number, string, unknown[], number];
    const serve = (): void => this.#serveBlocking(task, id, method, args);
    // An async call posted before this frame is still on the IPC channel: serve after it starts.
    if (after > this.#started) this.#deferred = { after, serve };
    else serve();
  }

  // The child broke the protocol: it is killed, and this host answers nothing more.
  #protocolError(problem: string): void {
    this.#body = undefined;
    this.#link.fault(
      new WorkerProtocolError(
        `A process worker sent ${problem} on its call socket; it was killed (only the pool's queue and pipe proxies may write there)`,
      ),
    );
    this.close();
  }

  #serveBlocking(task: number, id: number, method: string, args: unknown[]): void {
    const call: Call = { task, controller: new AbortController() };
    this.#blocking = call;
    void this.#start(task, id, method, args, call.controller.signal).then((result) => {
      this.#blocking = undefined;
      if (this.#closed) return;
      let payload: Buffer;
      try {
        payload = serialize(result);
      } catch (error) {
        payload = serialize([false, flattenError(error, clone)]);
      }
      const header = Buffer.allocUnsafe(4);
      header.writeUInt32LE(payload.length, 0);
      this.#socket!.write(Buffer.concat([header, payload]));
    });
  }
}
