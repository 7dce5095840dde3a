// One worker as the pool sees it, whatever its kind: start it, send it messages, hear its messages
// and its exit, kill it. Thread workers are worker_threads; process workers are child_process.fork
// with advanced serialization (so Maps, typed arrays, errors and cycles survive the trip).
//
// Why process workers stay on Node's IPC channel rather than a frame format of our own (measured
// on the loaded 2-vCPU VM with bench/process-cost.mjs, which reads CPU µs per tiny task on each
// side): the dispatcher's batches already carry ~120 tasks per 'run' message and the worker's ~55
// results per 'done' message, so what the channel spends per message (its framing, a serializer
// object, one write and one read) comes to about 1 µs per task at most, and serializing the
// batches themselves to about 2–3 µs per task on both sides together. Encoding the numbers of a
// batch as one typed array beside one array of values (the shape a binary frame would carry) was
// no faster through v8's serializer (results do carry their times that way, protocol.ts
// DoneMessage, but for the pool's heap: about 55 bytes less per task there); the JSON channel saved ~10% of the CPU per task but cannot
// carry Maps, typed arrays, errors or cycles; holding 128 or 256 results per message instead of 64
// changed nothing. Nor was a batch sent as a JSON string inside the advanced message (JSON.parse is
// fast on arrays of numbers): in a micro-benchmark of 120-task run batches and 60-result done
// batches it was about even for tasks and about 2× slower for results, whose fractional times
// JSON must print and parse digit by digit. What did pay: no string (tasks name their export by
// number, function-table.ts) and no array of one (FLAG_ONE) per task. A tiny task costs the worker
// most in its start record (start-signal.ts), which no channel can remove.
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits, TransferListItem } from 'node:worker_threads';
import type { DoneMessage, FromWorker, ToWorker } from './protocol.js';
import { BatchJoiner } from './batch-joiner.js';
import { WorkerProtocolError } from '../errors.js';
import { messageProblem } from './protocol-check.js';
import { RemoteScope } from './remote-scope.js';
import type { ClaimWord } from './claim-word.js';
import { StartFile } from './start-signal.js';
import { StderrTail } from './stderr-tail.js';
import type { ReplyPoll } from './reply-poll.js';
import { ThreadChannel } from './thread-channel.js';

export interface ChannelOptions {
  readonly kind: 'thread' | 'process';
  readonly runtime: URL;
  readonly execArgv: readonly string[] | undefined;
  readonly execPath: string | undefined;
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly cwd: string | undefined;
  readonly resourceLimits: ResourceLimits | undefined;
  /** Largest blocking-call frame a process worker may send (default {@link MAX_CALL_FRAME_BYTES}). */
  readonly maxCallFrameBytes?: number | undefined;
  /** Keep the end of the worker's stderr instead of passing it through (stderr-tail.ts). */
  readonly captureStderr?: boolean | undefined;
  /** Where a thread worker's replies are looked for between event-loop sleeps (reply-poll.ts). */
  readonly replyPoll?: ReplyPoll | undefined;
}

/** Default of the `maxCallFrameBytes` pool option: 1 GiB. */
export const MAX_CALL_FRAME_BYTES: number = 2 ** 30;

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error: unknown;
  /** The child process was never spawned (`error` is the spawn error); no 'exit' event follows such a failure, so the channel reports this one. */
  readonly spawnFailed?: boolean;
  /** The end of the worker's stderr, when it was captured and the worker wrote any. */
  readonly stderr?: string | undefined;
}

/**
 * The results batches a process worker's channel read in one go, handed on together
 * (batch-joiner.ts): the pool refills the worker once for all of them.
 */
export interface JoinedResults {
  readonly t: 'results';
  readonly batches: readonly DoneMessage[];
}

/** What a channel hands the pool: a worker's message, or results batches read together. */
export type ChannelMessage = FromWorker | JoinedResults;

export interface WorkerChannel {
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  /** The blocking-call socket of a process worker (its fd 4); `undefined` for threads. */
  readonly callSocket: Socket | undefined;
  /** Largest frame accepted on {@link WorkerChannel.callSocket}, in bytes. */
  readonly maxCallFrameBytes: number;
  send(message: ToWorker, transfer?: readonly TransferListItem[]): void;
  /**
   * Whether task `task` of this worker (or the worker itself, through initArgs, for any task) was
   * handed the queue or pipe end registered as `id`. Only process workers reach objects by id.
   */
  holds(task: number, id: number): boolean;
  /**
   * The worker broke the protocol: kill it; its exit reports `error` (the `cause` of the
   * WorkerExitedError its tasks get).
   */
  fault(error: Error): void;
  onMessage(listener: (message: ChannelMessage) => void): void;
  onExit(listener: (info: ExitInfo) => void): void;
  /** A thread worker's claim word (claim-word.ts; sent in its init message): its start record. */
  readonly claims: ClaimWord | undefined;
  /** A process worker: the id of the last task it started (exact once it has exited), or -1. */
  lastStarted(): number;
  /** The end of the worker's stderr so far, when captured. */
  stderr(): string | undefined;
  kill(): void;
  ref(): void;
  unref(): void;
}

class ProcessChannel implements WorkerChannel {
  readonly #child: ChildProcess;
  readonly #scope = new RemoteScope();
  readonly maxCallFrameBytes: number;
  #exited = false;
  #spawned = false;
  #exitListener: ((info: ExitInfo) => void) | undefined = undefined;
  #spawnError: unknown = undefined;
  /** Where the child records each task it starts (start-signal.ts); read after its exit. */
  readonly #started = new StartFile();
  #ready = false;
  #error: Error | undefined = undefined;
  readonly #stderr: StderrTail | undefined;
  /** The results batches of this tick, held to be handed on together (set by onMessage). */
  #results: BatchJoiner<DoneMessage> | undefined = undefined;

  constructor(options: ChannelOptions) {
    this.maxCallFrameBytes = options.maxCallFrameBytes ?? MAX_CALL_FRAME_BYTES;
    let child: ChildProcess;
    try {
      child = fork(fileURLToPath(options.runtime), [], {
        serialization: 'advanced',
        execArgv: options.execArgv === undefined ? process.execArgv : [...options.execArgv],
        ...(options.execPath === undefined ? {} : { execPath: options.execPath }),
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        // fd 4: a socket pair for the blocking calls of queue and pipe proxies (remote-host.ts).
        // fd 5: the start file, in which the child records the id of each task it starts (start-signal.ts).
        stdio: [
          'ignore',
          'inherit',
          options.captureStderr === true ? 'pipe' : 'inherit',
          'ipc',
          'pipe',
          this.#started.fd ?? 'ignore',
        ],
      });
    } catch (error) {
      this.#started.close();
      throw error;
    }
    this.#child = child;
    this.#stderr = this.#child.stderr === null ? undefined : new StderrTail(this.#child.stderr);
    this.#child.once('spawn', () => {
      this.#spawned = true;
    });
    // A child that could not be spawned (a cwd or execPath that does not exist) emits 'error' and
    // never 'exit': report that as its exit. Later errors (a send to a child already gone) surface
    // through 'exit'; don't let them throw globally.
    this.#child.on('error', (error) => {
      if (this.#spawned || this.#exited || this.#child.pid !== undefined) return;
      this.#exited = true;
      this.#spawnError = error;
      this.#exitListener?.({ code: null, signal: null, error, spawnFailed: true });
      this.#started.close();
    });
    this.#child.on('exit', () => {
      this.#exited = true;
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get threadId(): undefined {
    return undefined;
  }

  get callSocket(): Socket | undefined {
    return (this.#child.stdio[4] as Socket | null | undefined) ?? undefined;
  }

  get claims(): undefined {
    return undefined;
  }

  lastStarted(): number {
    return this.#started.last();
  }

  stderr(): string | undefined {
    return this.#stderr?.text();
  }

  send(message: ToWorker): void {
    if (this.#exited || !this.#child.connected) return;
    // What the worker is handed is what it may reach (remote-scope.ts).
    if (message.t === 'run') this.#scope.grantRun(message.b);
    else if (message.t === 'init' && message.initShared) this.#scope.grantWorker(message.initArgs);
    this.#child.send(message);
  }

  holds(task: number, id: number): boolean {
    return this.#scope.holds(task, id);
  }

  fault(error: Error): void {
    this.#error ??= error;
    this.kill();
  }

  // A child is another program: what it sends is checked before the pool acts on it, and a
  // message the pool cannot handle kills that child, never the pool's process. The results
  // batches read in one go are handled as one (batch-joiner.ts): the pool refills the worker once
  // for all of them.
  onMessage(listener: (message: ChannelMessage) => void): void {
    const deliver = (m: ChannelMessage): void => {
      if (this.#error !== undefined) return;
      try {
        listener(m);
      } catch (error) {
        this.fault(
          new WorkerProtocolError(
            `Process worker ${String(this.pid)} sent a ${m.t} message the pool could not handle; it was killed`,
            { cause: error },
          ),
        );
        return;
      }
      if (m.t === 'results')
        for (let i = 0; i < m.batches.length; i++) this.#scope.revokeDone(m.batches[i]!.r);
    };
    const results = new BatchJoiner<DoneMessage>((batches) => deliver({ t: 'results', batches }));
    this.#results = results;
    this.#child.on('message', (message: unknown) => {
      if (this.#error !== undefined) return;
      const problem = messageProblem(message, this.#ready);
      if (problem !== undefined) {
        this.fault(
          new WorkerProtocolError(
            `Process worker ${String(this.pid)} sent ${problem}; it was killed (only the pool's worker runtime may talk on the IPC channel)`,
          ),
        );
        return;
      }
      const m = message as FromWorker;
      if (m.t === 'done') {
        results.add(m);
        return;
      }
      results.flush();
      if (m.t === 'ready') this.#ready = true;
      deliver(m);
    });
  }

  onExit(listener: (info: ExitInfo) => void): void {
    this.#exitListener = listener;
    if (this.#spawnError !== undefined)
      listener({ code: null, signal: null, error: this.#spawnError, spawnFailed: true });
    // The exit is reported once every start frame and every message is read (bounded, should a
    // grandchild hold the pipe open), so the pool's blame is exact.
    this.#child.on('exit', (code, signal) => {
      let reported = false;
      const report = (): void => {
        if (reported) return;
        reported = true;
        clearTimeout(timer);
        this.#results?.flush(); // every result read is handled before the exit
        listener({ code, signal, error: this.#error, stderr: this.#stderr?.text() });
        this.#started.close();
      };
      const timer = setTimeout(report, 1_000);
      const disconnected = this.#child.connected
        ? new Promise<void>((resolve) => this.#child.once('disconnect', () => resolve()))
        : undefined;
      void Promise.all([disconnected, this.#stderr?.ended]).then(report);
    });
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }

  ref(): void {
    this.#child.ref();
    (this.#child.channel as { ref?(): void } | undefined)?.ref?.();
    this.callSocket?.ref();
    (this.#child.stderr as Socket | null)?.ref();
  }

  unref(): void {
    this.#child.unref();
    (this.#child.channel as { unref?(): void } | undefined)?.unref?.();
    this.callSocket?.unref();
    (this.#child.stderr as Socket | null)?.unref();
  }
}

/** Start a worker of the given kind. */
export function startWorker(options: ChannelOptions): WorkerChannel {
  return options.kind === 'thread' ? new ThreadChannel(options) : new ProcessChannel(options);
}
