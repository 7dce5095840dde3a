// A thread worker as the pool sees it: a worker_threads Worker, the pool's messages going in on
// its parent port, and the worker's messages coming back on a reply port of their own (a
// MessageChannel whose far end the worker gets in its workerData). A port of our own, unlike the
// Worker's built-in one, can be read synchronously with receiveMessageOnPort, which is what lets
// the pool look for a reply without sleeping until its message event (reply-poll.ts). Every message
// of the worker goes on that port, so they keep their order; at the worker's exit, what is still on
// the port is delivered before the exit is reported.
import {
  MessageChannel,
  Worker,
  receiveMessageOnPort,
  type MessagePort,
  type TransferListItem,
} from 'node:worker_threads';
import { ClaimWord } from './claim-word.js';
import type { ToWorker } from './protocol.js';
import type { ReplyWatch } from './reply-poll.js';
import { NONE_STARTED } from './start-signal.js';
import { StderrTail } from './stderr-tail.js';
import type { ChannelMessage, ChannelOptions, ExitInfo, WorkerChannel } from './worker-channel.js';

/** What a thread worker finds in its workerData: the port its messages go out on. */
export interface ThreadWorkerData {
  readonly replies: MessagePort;
}

export class ThreadChannel implements WorkerChannel {
  readonly #worker: Worker;
  readonly #threadId: number;
  readonly claims: ClaimWord = new ClaimWord();
  readonly #stderr: StderrTail | undefined;
  /** The pool's end of the worker's reply port. */
  readonly #replies: MessagePort;
  readonly #watch: ReplyWatch | undefined;
  #listener: ((message: ChannelMessage) => void) | undefined = undefined;
  /** receiveMessageOnPort works on the reply port here (set false the first time it throws). */
  #canPoll = true;
  #error: unknown = undefined;

  constructor(options: ChannelOptions) {
    const { port1, port2 } = new MessageChannel();
    const workerData: ThreadWorkerData = { replies: port2 };
    this.#worker = new Worker(options.runtime, {
      workerData,
      transferList: [port2],
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.captureStderr === true ? { stderr: true } : {}),
    });
    this.#replies = port1;
    this.#watch = options.replyPoll?.watch(this);
    this.#stderr = options.captureStderr === true ? new StderrTail(this.#worker.stderr) : undefined;
    // Captured now: Worker.threadId reads -1 once the thread has exited.
    this.#threadId = this.#worker.threadId;
    this.#worker.on('error', (error) => {
      this.#error = error;
    });
  }

  get pid(): number {
    return process.pid;
  }

  get threadId(): number {
    return this.#threadId;
  }

  get callSocket(): undefined {
    return undefined;
  }

  lastStarted(): number {
    return NONE_STARTED; // its start record is the claim word
  }

  get maxCallFrameBytes(): number {
    return 0;
  }

  send(message: ToWorker, transfer?: readonly TransferListItem[]): void {
    this.#worker.postMessage(message, transfer as TransferListItem[] | undefined);
    if (message.t === 'run') this.#watch?.arm();
  }

  holds(): boolean {
    return false;
  }

  fault(error: Error): void {
    this.#error ??= error;
    void this.#worker.terminate();
  }

  onMessage(listener: (message: ChannelMessage) => void): void {
    const watch = this.#watch;
    // A reply heard either way (looked for, or its message event in a turn of the loop that did
    // not sleep) counts for the watch's window.
    this.#listener =
      watch === undefined
        ? listener
        : (message) => {
            watch.replied = true;
            listener(message);
          };
    this.#replies.on('message', this.#listener);
    // The worker's own code (not the pool's runtime) may still post on its parent port: heard as
    // before, so that the protocol check reports it.
    this.#worker.on('message', listener);
  }

  /**
   * Delivers every message waiting on the reply port to the listener, now.
   *
   * @returns Whether there was one.
   */
  poll(): boolean {
    const listener = this.#listener;
    if (listener === undefined || !this.#canPoll) return false;
    let received = false;
    for (;;) {
      let next: { message: unknown } | undefined;
      try {
        next = receiveMessageOnPort(this.#replies);
      } catch {
        // A runtime whose ports cannot be read this way: the message events deliver everything.
        this.#canPoll = false;
        return received;
      }
      if (next === undefined) return received;
      received = true;
      listener(next.message as ChannelMessage);
    }
  }

  stderr(): string | undefined {
    return this.#stderr?.text();
  }

  onExit(listener: (info: ExitInfo) => void): void {
    this.#worker.on('exit', (code) => {
      // Its last messages are on the reply port (all of them: a message is queued there as it is
      // posted); they are the pool's to hear before it hears of the exit.
      this.poll();
      this.#replies.close();
      const tail = this.#stderr;
      if (tail === undefined) {
        listener({ code, signal: null, error: this.#error });
        return;
      }
      // The thread's last writes may still be on their way through its stderr stream.
      let reported = false;
      const report = (): void => {
        if (reported) return;
        reported = true;
        clearTimeout(timer);
        listener({ code, signal: null, error: this.#error, stderr: tail.text() });
      };
      const timer = setTimeout(report, 1_000);
      void tail.ended.then(report);
    });
  }

  kill(): void {
    void this.#worker.terminate();
  }

  ref(): void {
    this.#worker.ref();
    this.#replies.ref();
  }

  unref(): void {
    this.#worker.unref();
    this.#replies.unref();
  }
}
