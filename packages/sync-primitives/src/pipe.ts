// Pipe and Connection: two ends joined by one ring per direction (Python's multiprocessing.Pipe),
// in one SharedArrayBuffer so that either end can be sent to another thread with its handle.
import { defineInspect, showState } from './internal/inspect.js';
import { InvalidHandleError, PipeClosedError, PipeTimeoutError } from './errors.js';
import { decode, encode } from './internal/codec.js';
import { runAsync, runSync } from './internal/park.js';
import { view } from './internal/placement.js';
import { CLOSED_RING, EMPTY, Ring } from './internal/ring.js';
import { brand } from './internal/tracking.js';
import {
  checkBoolean,
  checkLiveSignal,
  checkOptions,
  deadlineOf,
  describe,
  waitDeadline,
} from './internal/validate.js';
import type { AsyncWaitOptions } from './options.js';
import { ringCapacity } from './queue.js';
import { isSharedHandle, type SharedHandle } from './shared-handle.js';

// Pipe header words, then ring A (end 0 reads it), then ring B (end 1 reads it; duplex only).
const END_CLOSED = 0; // + end
const DUPLEX = 2;
const PIPE_HEADER_BYTES = 64;

/**
 * Options of {@link Pipe}.
 *
 * @example
 * ```ts
 * import { Pipe } from '@weft/sync-primitives';
 * const [reader, writer] = Pipe({ duplex: false, capacityBytes: 1024 * 1024 });
 * ```
 */
export interface PipeOptions {
  /**
   * `true`: both ends send and receive. `false`: the first end only receives and the second only
   * sends, as Python's `Pipe(duplex=False)` returns `(receive_end, send_end)`.
   * @defaultValue `true`
   */
  readonly duplex?: boolean;
  /**
   * Bytes of the ring of each direction (rounded up to a multiple of 8). Larger messages still
   * pass, in pieces, while the other end receives.
   * @defaultValue `65536` (64 KiB)
   */
  readonly capacityBytes?: number;
}

/**
 * Create a pipe: two connected {@link Connection} ends (Python's `multiprocessing.Pipe`). Keep one
 * and send the other to a worker thread with `toHandle()` (or as a `@weft/process-pool` task
 * argument).
 *
 * @typeParam T - The messages' type.
 * @param options - `duplex` and `capacityBytes`; see {@link PipeOptions}.
 * @returns `[a, b]`; with `duplex: false`, `a` only receives and `b` only sends.
 * @throws {@link InvalidArgumentError} for bad options.
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { Pipe } from '@weft/sync-primitives';
 * const [parent, child] = Pipe<string>();
 * new Worker('./echo.mjs', { workerData: child.toHandle() });
 * // echo.mjs: const end = Connection.from(workerData); end.send(end.recv().toUpperCase());
 * parent.send('hi');
 * console.log(await parent.recvAsync()); // 'HI'
 * ```
 */
export function Pipe<T = unknown>(options?: PipeOptions): [Connection<T>, Connection<T>] {
  checkOptions(options, 'Pipe');
  checkBoolean(options?.duplex, 'Pipe: duplex');
  const duplex = options?.duplex ?? true;
  const capacity = ringCapacity(options?.capacityBytes, 'Pipe');
  const ringBytes = Ring.byteLength(capacity);
  const buffer = new SharedArrayBuffer(PIPE_HEADER_BYTES + ringBytes * (duplex ? 2 : 1));
  new Int32Array(buffer, 0, PIPE_HEADER_BYTES / 4)[DUPLEX] = duplex ? 1 : 0;
  Ring.init(buffer, PIPE_HEADER_BYTES, capacity, 0);
  if (duplex) Ring.init(buffer, PIPE_HEADER_BYTES + ringBytes, capacity, 0);
  const handle = (end: number): SharedHandle => ({
    kind: 'weft.sync',
    type: 'Connection',
    buffer,
    byteOffset: 0,
    end,
  });
  return [new Connection<T>(handle(0)), new Connection<T>(handle(1))];
}

/**
 * One end of a {@link Pipe} (Python's `multiprocessing.connection.Connection`): `send()` on one
 * end, `recv()` on the other. Messages are serialized with `node:v8`, arrive whole and in order,
 * and may be larger than the pipe's ring. `recv()` blocks the thread; on the main thread prefer
 * `recvAsync()`.
 *
 * @typeParam T - The messages' type.
 * @example
 * ```ts
 * import { Pipe } from '@weft/sync-primitives';
 * const [a, b] = Pipe<number>();
 * a.send(1);
 * console.log(b.poll(), b.recv()); // true 1
 * b.close();
 * a.recv(); // throws PipeClosedError: the other end is closed and nothing is left
 * ```
 */
export class Connection<T = unknown> {
  readonly #buffer: SharedArrayBuffer;
  readonly #byteOffset: number;
  readonly #end: number;
  readonly #h: Int32Array;
  readonly #in: Ring | undefined;
  readonly #out: Ring | undefined;

  /**
   * Open an end of a pipe from its handle; the same as {@link Connection.from}. Use {@link Pipe}
   * to make a new pipe.
   *
   * @param handle - What `toHandle()` returned.
   * @throws {@link InvalidHandleError} if it is not a Connection handle of this package.
   */
  constructor(handle: SharedHandle) {
    if (!isSharedHandle(handle) || handle.type !== 'Connection') {
      throw new InvalidHandleError(
        `Connection.from: expected a Connection handle { kind: 'weft.sync', type: 'Connection', buffer, byteOffset, end } made by toHandle(); got ${isSharedHandle(handle) ? `a ${handle.type} handle` : describe(handle)}`,
      );
    }
    const end = handle['end'];
    if (end !== 0 && end !== 1) {
      throw new InvalidHandleError(
        `Connection.from: the handle's end must be 0 or 1; got ${describe(end)}`,
      );
    }
    const p = view(
      handle.buffer,
      handle.byteOffset,
      PIPE_HEADER_BYTES,
      'Connection',
      InvalidHandleError,
    );
    this.#buffer = p.buffer;
    this.#byteOffset = p.byteOffset;
    this.#end = end;
    this.#h = p.i32;
    const duplex = p.i32[DUPLEX] === 1;
    const a = this.#ring(p.byteOffset + PIPE_HEADER_BYTES);
    const b = duplex
      ? this.#ring(p.byteOffset + PIPE_HEADER_BYTES + Ring.byteLength(a.capacity))
      : undefined;
    // End 0 reads ring A and writes ring B; end 1 the other way round. One-way: A only.
    this.#in = end === 0 ? a : b;
    this.#out = end === 0 ? b : a;
    brand(this);
  }

  #ring(at: number): Ring {
    const capacity = Ring.capacityAt(this.#buffer, at);
    if (typeof capacity === 'string')
      throw new InvalidHandleError(
        `Connection.from: the handle's memory is not a pipe: ${capacity}`,
      );
    return new Ring(this.#buffer, at);
  }

  /**
   * Revive an end of a pipe from a handle made by `toHandle()` in another thread.
   *
   * @typeParam T - The messages' type.
   * @param handle - The handle.
   * @returns The same end.
   * @throws {@link InvalidHandleError} if it is not a Connection handle.
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * import { Connection } from '@weft/sync-primitives';
   * const end = Connection.from<string>(workerData.end);
   * ```
   */
  static from<T = unknown>(handle: SharedHandle): Connection<T> {
    return new Connection<T>(handle);
  }

  /**
   * Describe this end as a structured-clonable handle to send to another thread.
   *
   * @returns `{ kind: 'weft.sync', type: 'Connection', buffer, byteOffset, end }`.
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [mine, theirs] = Pipe();
   * worker.postMessage({ end: theirs.toHandle() });
   * ```
   */
  toHandle(): SharedHandle {
    return {
      kind: 'weft.sync',
      type: 'Connection',
      buffer: this.#buffer,
      byteOffset: this.#byteOffset,
      end: this.#end,
    };
  }

  /**
   * Whether this end can receive (`false` for the sending end of a one-way pipe).
   *
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [reader, writer] = Pipe({ duplex: false });
   * console.log(reader.readable, writer.readable); // true false
   * ```
   */
  get readable(): boolean {
    return this.#in !== undefined;
  }

  /**
   * Whether this end can send (`false` for the receiving end of a one-way pipe).
   *
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [reader, writer] = Pipe({ duplex: false });
   * console.log(reader.writable, writer.writable); // false true
   * ```
   */
  get writable(): boolean {
    return this.#out !== undefined;
  }

  /**
   * Whether this end was closed (by any thread holding it).
   *
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [a] = Pipe();
   * a.close();
   * console.log(a.closed); // true
   * ```
   */
  get closed(): boolean {
    return Atomics.load(this.#h, END_CLOSED + this.#end) !== 0;
  }

  /**
   * Send a message to the other end. It is serialized first (an unserializable message is refused
   * before anything is written); the call waits only when the ring is full.
   *
   * @param value - Any structured-clonable value.
   * @throws {@link PipeClosedError} if either end is closed, or this end cannot send.
   * @throws {@link ItemNotSerializableError} if `value` cannot be serialized.
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [a, b] = Pipe();
   * a.send({ hello: 'world' });
   * ```
   */
  send(value: T): void {
    const out = this.#sender('send');
    this.#settleSend(runSync(out.write(encode(value, 'Connection.send', false), false), Infinity));
  }

  /**
   * {@link Connection.send} without blocking the event loop while the ring is full.
   *
   * @param value - Any structured-clonable value.
   * @param options - `signal` (a `timeout` bounds the wait for room and throws `PipeTimeoutError`).
   * @returns A promise that resolves once the message is in the pipe.
   * @throws {@link PipeClosedError}, {@link ItemNotSerializableError}, {@link WaitAbortedError}
   *   (rejections).
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [a] = Pipe({ capacityBytes: 1024 });
   * await a.sendAsync(new Uint8Array(1_000_000));
   * ```
   */
  async sendAsync(value: T, options?: AsyncWaitOptions): Promise<void> {
    const deadline = waitDeadline(options, 'Connection.sendAsync');
    const signal = checkLiveSignal(options?.signal, 'Connection.sendAsync');
    const out = this.#sender('sendAsync');
    const outcome = await runAsync(
      out.write(encode(value, 'Connection.sendAsync', true), false),
      deadline,
      signal,
    );
    if (outcome === 'full') {
      throw new PipeTimeoutError(
        `Connection.sendAsync: no room in the pipe within the ${options?.timeout} ms timeout`,
      );
    }
    this.#settleSend(outcome);
  }

  /**
   * Receive the next message, blocking the thread until one arrives (Python's `recv`).
   *
   * @param options - `{ timeout }` in ms.
   * @returns The message.
   * @throws {@link PipeClosedError} when the other end is closed and nothing is left, or this end
   *   is closed or cannot receive.
   * @throws {@link PipeTimeoutError} if nothing arrived within `timeout`.
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [a, b] = Pipe<string>();
   * a.send('ping');
   * console.log(b.recv({ timeout: 100 })); // 'ping'
   * ```
   */
  recv(options?: { readonly timeout?: number }): T {
    const deadline = waitDeadline(options, 'Connection.recv');
    const input = this.#receiver('recv');
    return this.#settleRecv(runSync(input.read(false, decode), deadline), options?.timeout);
  }

  /**
   * Receive the next message without blocking the event loop. An aborted or timed-out receive
   * leaves no trace: the next message goes to a live receiver.
   *
   * @param options - `timeout` (ms) and `signal`.
   * @returns The message.
   * @throws {@link PipeClosedError}, {@link PipeTimeoutError}, {@link WaitAbortedError} (rejections).
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [a, b] = Pipe<string>();
   * a.send('ping');
   * console.log(await b.recvAsync({ signal: AbortSignal.timeout(1000) })); // 'ping'
   * ```
   */
  async recvAsync(options?: AsyncWaitOptions): Promise<T> {
    const deadline = waitDeadline(options, 'Connection.recvAsync');
    const signal = checkLiveSignal(options?.signal, 'Connection.recvAsync');
    const input = this.#receiver('recvAsync');
    return this.#settleRecv(
      await runAsync(input.read(false, decode), deadline, signal),
      options?.timeout,
    );
  }

  /**
   * Whether `recv()` would return at once: a message is waiting, or the other end is closed (then
   * `recv()` throws at once). Waits up to `timeout` ms for that (Python's `poll`).
   *
   * @param timeout - Milliseconds to wait; `0` checks and returns at once, `Infinity` waits until
   *   true.
   * @returns Whether a `recv()` would not block.
   * @throws {@link PipeClosedError} if this end is closed or cannot receive.
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [a, b] = Pipe();
   * console.log(b.poll()); // false
   * a.send(1);
   * console.log(b.poll(100)); // true
   * ```
   */
  poll(timeout = 0): boolean {
    const deadline = deadlineOf(timeout, 'Connection.poll');
    const input = this.#receiver('poll');
    return runSync(input.poll(), timeout === 0 ? -Infinity : deadline);
  }

  /**
   * Close this end (Python's `close`): the other end receives what was already sent, then gets
   * {@link PipeClosedError}; its sends fail at once, and so does every later call on this end.
   * Idempotent.
   *
   * @example
   * ```ts
   * import { Pipe } from '@weft/sync-primitives';
   * const [a, b] = Pipe();
   * a.send('last words');
   * a.close();
   * b.recv(); // 'last words'
   * b.recv(); // throws PipeClosedError
   * ```
   */
  close(): void {
    if (Atomics.exchange(this.#h, END_CLOSED + this.#end, 1) !== 0) return;
    this.#out?.close();
    this.#in?.close();
  }

  #sender(what: string): Ring {
    if (this.closed) throw new PipeClosedError(`Connection.${what}: this end is closed`);
    const out = this.#out;
    if (out === undefined) {
      throw new PipeClosedError(
        `Connection.${what}: this is the receiving end of a one-way pipe (Pipe({ duplex: false })[0]); send from the other end`,
      );
    }
    if (out.closed()) throw this.#peerClosed(what);
    return out;
  }

  #receiver(what: string): Ring {
    if (this.closed) throw new PipeClosedError(`Connection.${what}: this end is closed`);
    const input = this.#in;
    if (input === undefined) {
      throw new PipeClosedError(
        `Connection.${what}: this is the sending end of a one-way pipe (Pipe({ duplex: false })[1]); receive on the other end`,
      );
    }
    return input;
  }

  #peerClosed(what: string): PipeClosedError {
    return new PipeClosedError(`Connection.${what}: the other end of the pipe is closed`);
  }

  #settleSend(outcome: 'ok' | 'full' | 'closed'): void {
    if (outcome === 'closed') throw this.#peerClosed('send');
  }

  #settleRecv(got: unknown, timeout: number | undefined): T {
    if (got === CLOSED_RING) {
      throw new PipeClosedError(
        this.closed
          ? 'Connection.recv: this end is closed'
          : 'Connection.recv: the other end of the pipe is closed and nothing is left to receive',
      );
    }
    if (got === EMPTY) {
      throw new PipeTimeoutError(
        `Connection.recv: nothing arrived within the ${timeout} ms timeout`,
      );
    }
    return got as T;
  }

  static {
    // What util.inspect and console.log print, e.g. `Connection [readable, writable]`:
    // the state read from the shared memory when printed, the same in every thread.
    defineInspect(Connection.prototype, function (this: Connection): string {
      return showState(
        'Connection',
        this.closed ? ['closed'] : [this.readable && 'readable', this.writable && 'writable'],
      );
    });
  }
}
