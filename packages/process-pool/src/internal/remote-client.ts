// A process worker's side of Queue, JoinableQueue and Connection: proxies with the same methods as
// the real classes, whose object lives in the pool's process (see remote-host.ts). Blocking methods
// really block this process, as they block a thread: the request goes out with writeSync on the
// call socket and the worker sleeps in readSync until the pool's answer lands. Async methods are
// messages on the IPC channel. Errors come back as the same classes (QueueEmptyError, …).
import { readSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import {
  CALL_STRIDE,
  REPLY_STRIDE,
  SYNC_FD,
  type FromWorker,
  type RepliesMessage,
} from './protocol.js';
import { restoreError } from './remote-error.js';
import {
  Connection,
  ItemNotSerializableError,
  JoinableQueue,
  Queue,
  QueueClosedError,
  type RemoteType,
} from './sync-bridge.js';

/** What travels in task args in place of the object (under `REMOTE_MARK`). */
export interface RemoteHandle {
  readonly type: RemoteType;
  readonly id: number;
}

interface Link {
  readonly post: (message: FromWorker) => void;
  readonly task: () => number;
}

let link: Link | undefined;

/** Connect the proxies to the runtime: how to post a message and which task is running. */
export function installRemoteClient(post: Link['post'], task: Link['task']): void {
  link = { post, task };
}

// ---------------------------------------------------------------- errors

// Errors come back in Weft's error wire format (see remote-error.ts): @weft/sync-primitives' own
// classes are registered, so `instanceof QueueEmptyError` holds in the task. An error of a queue or
// pipe call carries this process's stack (the line of the task that made the call), as the same
// call on a thread would; an abort we asked for carries the caller's own reason as its cause.
function restore(flat: unknown, cause?: unknown): unknown {
  const error = restoreError(flat);
  if (!(error instanceof Error)) return error;
  Error.captureStackTrace(error, restore);
  if (cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  }
  return error;
}

function typeOfItem(item: unknown): string {
  if (item === null) return 'null';
  if (typeof item !== 'object') return typeof item;
  const name = (item as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

// An item v8 cannot serialize never leaves this process: the caller gets the error the real
// `put()`/`send()` throws (ItemNotSerializableError, same wording).
function notSerializable(where: string, item: unknown, cause: unknown): unknown {
  const type = typeOfItem(item);
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ItemNotSerializableError(
    `${where}: the item (${type}) cannot be serialized with node:v8 (structured clone): ${reason}; send plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date, Error…)`,
    type,
    { cause },
  );
}

/** Where an item's serialization error says it happened, for the methods that carry one. */
const ITEM_METHODS: Record<string, string> = {
  put: 'Queue.put',
  putAsync: 'Queue.put',
  tryPut: 'Queue.put',
  send: 'Connection.send',
  sendAsync: 'Connection.sendAsync',
};

function itemError(method: string, args: unknown[], error: unknown): unknown {
  const where = ITEM_METHODS[method];
  return where === undefined ? error : notSerializable(where, args[0], error);
}

function encode(method: string, args: unknown[], make: () => Buffer): Buffer {
  try {
    return make();
  } catch (error) {
    throw itemError(method, args, error);
  }
}

// ---------------------------------------------------------------- blocking calls

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function retry<T>(io: () => T): T {
  for (let pause = 0.05; ; pause = Math.min(pause * 2, 2)) {
    try {
      return io();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(sleepCell, 0, 0, pause);
    }
  }
}

function readFully(buffer: Buffer): void {
  let at = 0;
  while (at < buffer.length) {
    const n = retry(() => readSync(SYNC_FD, buffer, at, buffer.length - at, null));
    if (n === 0) throw new Error('The pool closed the call channel');
    at += n;
  }
}

function callSync(id: number, method: string, args: unknown[]): unknown {
  // Async calls made before this one go first (the pool waits for them before serving this).
  flushCalls();
  const payload = encode(method, args, () =>
    serialize([link!.task(), id, method, args, lastPosted]),
  );
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  payload.copy(frame, 4);
  let at = 0;
  while (at < frame.length) at += retry(() => writeSync(SYNC_FD, frame, at, frame.length - at));
  const header = Buffer.allocUnsafe(4);
  readFully(header);
  const body = Buffer.allocUnsafe(header.readUInt32LE(0));
  readFully(body);
  const [ok, value] = deserialize(body) as [boolean, unknown];
  if (ok) return value;
  throw restore(value);
}

// ---------------------------------------------------------------- async calls

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

const pending = new Map<number, Pending>();
let nextCall = 1;

/** The pool answered a batch of async calls. */
export function onReplies(message: RepliesMessage): void {
  const b = message.b;
  for (let i = 0; i < b.length; i += REPLY_STRIDE)
    settle(b[i] as number, b[i + 1] as boolean, b[i + 2]);
}

function settle(c: number, ok: boolean, value: unknown): void {
  const call = pending.get(c);
  if (call === undefined) return;
  pending.delete(c);
  if (call.onAbort !== undefined) call.signal!.removeEventListener('abort', call.onAbort);
  if (ok) call.resolve(value);
  // An abort we asked for carries the caller's own reason as its cause.
  else call.reject(restore(value, call.signal?.aborted === true ? call.signal.reason : undefined));
}

// Calls made in one synchronous stretch leave as one message (a loop of putAsync() is one send).
let outbox: unknown[] = [];
let lastPosted = 0;

function flushCalls(): void {
  if (outbox.length === 0) return;
  const b = outbox;
  outbox = [];
  try {
    link!.post({ t: 'calls', b });
    lastPosted = b[b.length - CALL_STRIDE] as number;
    return;
  } catch {
    // An item the serializer refuses: send the others one by one, and refuse that call alone.
  }
  for (let i = 0; i < b.length; i += CALL_STRIDE) {
    const c = b[i] as number;
    try {
      link!.post({ t: 'calls', b: b.slice(i, i + CALL_STRIDE) });
      lastPosted = c;
    } catch (error) {
      const call = pending.get(c);
      pending.delete(c);
      if (call?.onAbort !== undefined) call.signal!.removeEventListener('abort', call.onAbort);
      call?.reject(itemError(b[i + 3] as string, b[i + 4] as unknown[], error));
    }
  }
}

interface SignalOptions {
  readonly signal?: AbortSignal;
}

// The signal cannot cross processes: it stays here and its abort travels as a message after the
// call. The call settles with the pool's answer either way, so an item the pool already took is
// never dropped.
function callAsync(
  id: number,
  method: string,
  args: unknown[],
  options: unknown,
): Promise<unknown> {
  const signal =
    typeof options === 'object' && options !== null ? (options as SignalOptions).signal : undefined;
  if (signal !== undefined) {
    const { signal: _omit, ...rest } = options as SignalOptions & Record<string, unknown>;
    args = [...args, rest];
  } else {
    args = [...args, options];
  }
  const c = nextCall++;
  return new Promise((resolve, reject) => {
    const onAbort =
      signal === undefined
        ? undefined
        : (): void => {
            flushCalls();
            if (pending.has(c)) link!.post({ t: 'call-abort', c });
          };
    pending.set(c, { resolve, reject, signal, onAbort });
    if (outbox.length === 0) queueMicrotask(flushCalls);
    outbox.push(c, link!.task(), id, method, args);
    if (signal !== undefined) {
      if (signal.aborted) onAbort!();
      else signal.addEventListener('abort', onAbort!, { once: true });
    }
  });
}

// ---------------------------------------------------------------- proxies

// Blocking options go as they are (an invalid one is rejected by the real method in the pool).
function sync(handle: RemoteHandle, method: string, args: unknown[]): unknown {
  return callSync(handle.id, method, args);
}

/**
 * A `Queue` living in the pool's process, as a process worker sees it: the same methods.
 * Created by the pool when a Queue is passed to a process worker; not constructed by users.
 */
export class RemoteQueue<T = unknown> {
  readonly #handle: RemoteHandle;

  constructor(handle: RemoteHandle) {
    this.#handle = handle;
  }

  protected get remote(): RemoteHandle {
    return this.#handle;
  }

  put(item: T, options?: { readonly block?: boolean; readonly timeout?: number }): void {
    sync(this.#handle, 'put', [item, options]);
  }

  get(options?: { readonly block?: boolean; readonly timeout?: number }): T {
    return sync(this.#handle, 'get', [options]) as T;
  }

  putAsync(
    item: T,
    options?: { readonly timeout?: number; readonly signal?: AbortSignal },
  ): Promise<void> {
    return callAsync(this.#handle.id, 'putAsync', [item], options) as Promise<void>;
  }

  getAsync(options?: { readonly timeout?: number; readonly signal?: AbortSignal }): Promise<T> {
    return callAsync(this.#handle.id, 'getAsync', [], options) as Promise<T>;
  }

  tryPut(item: T): boolean {
    return sync(this.#handle, 'tryPut', [item]) as boolean;
  }

  tryGet(): { ok: true; value: T } | { ok: false; reason: 'empty' | 'closed' } {
    return sync(this.#handle, 'tryGet', []) as
      { ok: true; value: T } | { ok: false; reason: 'empty' | 'closed' };
  }

  size(): number {
    return sync(this.#handle, 'size', []) as number;
  }

  empty(): boolean {
    return sync(this.#handle, 'empty', []) as boolean;
  }

  full(): boolean {
    return sync(this.#handle, 'full', []) as boolean;
  }

  close(): void {
    sync(this.#handle, 'close', []);
  }

  get closed(): boolean {
    return sync(this.#handle, 'closed', []) as boolean;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.getAsync();
      } catch (error) {
        // A closed queue ends the loop once drained, as the real iterator does.
        if (error instanceof QueueClosedError) return;
        throw error;
      }
      yield item;
    }
  }

  toHandle(): RemoteHandle {
    return this.#handle;
  }

  static from<T>(handle: RemoteHandle): RemoteQueue<T> {
    return reviveRemote(handle) as RemoteQueue<T>;
  }
}

/** A `JoinableQueue` living in the pool's process, as a process worker sees it. */
export class RemoteJoinableQueue<T = unknown> extends RemoteQueue<T> {
  taskDone(): void {
    sync(this.remote, 'taskDone', []);
  }

  unfinishedTasks(): number {
    return sync(this.remote, 'unfinishedTasks', []) as number;
  }

  join(options?: { readonly timeout?: number }): boolean {
    return sync(this.remote, 'join', [options]) as boolean;
  }

  joinAsync(options?: { readonly timeout?: number; readonly signal?: AbortSignal }): Promise<void> {
    return callAsync(this.remote.id, 'joinAsync', [], options) as Promise<void>;
  }

  static override from<T>(handle: RemoteHandle): RemoteJoinableQueue<T> {
    return reviveRemote(handle) as RemoteJoinableQueue<T>;
  }
}

/** One end of a `Pipe` living in the pool's process, as a process worker sees it. */
export class RemoteConnection<T = unknown> {
  readonly #handle: RemoteHandle;

  constructor(handle: RemoteHandle) {
    this.#handle = handle;
  }

  send(value: T): void {
    sync(this.#handle, 'send', [value]);
  }

  sendAsync(
    value: T,
    options?: { readonly timeout?: number; readonly signal?: AbortSignal },
  ): Promise<void> {
    return callAsync(this.#handle.id, 'sendAsync', [value], options) as Promise<void>;
  }

  recv(options?: { readonly timeout?: number }): T {
    return sync(this.#handle, 'recv', [options]) as T;
  }

  recvAsync(options?: { readonly timeout?: number; readonly signal?: AbortSignal }): Promise<T> {
    return callAsync(this.#handle.id, 'recvAsync', [], options) as Promise<T>;
  }

  poll(timeout?: number): boolean {
    return sync(this.#handle, 'poll', [timeout]) as boolean;
  }

  close(): void {
    sync(this.#handle, 'close', []);
  }

  get closed(): boolean {
    return sync(this.#handle, 'closed', []) as boolean;
  }

  get readable(): boolean {
    return sync(this.#handle, 'readable', []) as boolean;
  }

  get writable(): boolean {
    return sync(this.#handle, 'writable', []) as boolean;
  }

  toHandle(): RemoteHandle {
    return this.#handle;
  }

  static from<T>(handle: RemoteHandle): RemoteConnection<T> {
    return reviveRemote(handle) as RemoteConnection<T>;
  }
}

// Task code written for threads may test `queue instanceof Queue`: the proxies sit on the real
// classes' prototype chains (every public member is overridden, so no real method ever runs on a
// proxy). RemoteJoinableQueue gets RemoteQueue's members copied, as its chain must go through
// JoinableQueue.prototype instead.
Object.setPrototypeOf(RemoteQueue.prototype, Queue.prototype);
Object.setPrototypeOf(RemoteJoinableQueue.prototype, JoinableQueue.prototype);
for (const key of Reflect.ownKeys(RemoteQueue.prototype)) {
  if (key === 'constructor' || Object.hasOwn(RemoteJoinableQueue.prototype, key)) continue;
  Object.defineProperty(
    RemoteJoinableQueue.prototype,
    key,
    Object.getOwnPropertyDescriptor(RemoteQueue.prototype, key)!,
  );
}
Object.setPrototypeOf(RemoteConnection.prototype, Connection.prototype);

/** Revive a remote handle from task args as the proxy of its type. */
export function reviveRemote(handle: RemoteHandle): object {
  switch (handle.type) {
    case 'Queue':
      return new RemoteQueue(handle);
    case 'JoinableQueue':
      return new RemoteJoinableQueue(handle);
    case 'Connection':
      return new RemoteConnection(handle);
  }
}
