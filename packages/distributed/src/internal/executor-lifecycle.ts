// The executor's connection lifecycle: connecting (bounded by connectTimeout, given up by
// terminate()), watching the connections (calls reject with RedisConnectionLostError when Redis
// stays down too long), reading every call back after a reconnect, the periodic sweep, and closing.
import { Queue } from 'bullmq';
import type { PostgresQueueBackend } from 'bullmq';
import { setLongTimeout } from '@weft/sync-primitives';
import type { LongTimeout } from '@weft/sync-primitives';
import { ExecutorClosedError, RedisConnectionLostError, RedisUnavailableError } from '../errors.js';
import { now } from './clock.js';
import { closeWithin, toConnectionOptions, withinConnectTimeout } from './connection.js';
import type { RawClient, ReconnectControl } from './connection.js';
import type { ExecutorCore } from './executor-core.js';
import { ResultHandler } from './executor-results.js';
import { RedisCancelChannel } from './redis-cancel-channel.js';
import type { PubSubClient } from './redis-cancel-channel.js';
import { RedisResultSource } from './redis-result-source.js';
import { PostgresCancelChannel } from './postgres-cancel-channel.js';
import { PostgresResultSource } from './postgres-result-source.js';
import { ensurePostgresSchema } from './postgres.js';
import { bullPostgres } from './store.js';
import type { PostgresStore, Store } from './store.js';

// How often the sweep checks that the result source dropped no event unread (one XRANGE).
const SWEEP_INTERVAL = 100;

export interface LifecycleOptions {
  readonly store: Store;
  /** The connection for messages, without secrets. */
  readonly address: string;
  readonly connectTimeout: number;
  readonly connectionLostTimeout: number;
  /** Runs before the first connect (loading the task modules and the tracing hook). */
  readonly prepare: () => Promise<void>;
}

export class ExecutorLifecycle {
  readonly #core: ExecutorCore;
  readonly #options: LifecycleOptions;
  readonly #results: ResultHandler;
  #starting: Promise<void> | undefined;
  /** The start succeeded (it stays so: a closed executor takes no calls). */
  #started = false;
  #lastError: unknown;
  /** The connections down right now (ioredis clients; on PostgreSQL, the result source). */
  readonly #down = new Set<object>();
  #lostTimer: LongTimeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #detachClients: (() => void) | undefined;
  #control: ReconnectControl = { stopped: false };
  /** close() or terminate() was called. */
  #closing = false;
  /** Rejects with ExecutorClosedError when terminate() is called, ending a connect in progress. */
  readonly #terminating: Promise<never>;
  readonly #giveUpConnecting: (error: ExecutorClosedError) => void;

  constructor(core: ExecutorCore, options: LifecycleOptions) {
    this.#core = core;
    this.#options = options;
    this.#results = new ResultHandler(core, (error) => {
      this.#lastError = error;
    });
    core.isDown = () => this.#down.size > 0;
    let giveUp!: (error: ExecutorClosedError) => void;
    this.#terminating = new Promise<never>((_, reject) => {
      giveUp = reject;
    });
    this.#terminating.catch(() => undefined);
    this.#giveUpConnecting = giveUp;
  }

  /** Connects once; a failed start is not cached (Redis may come up later). */
  startOnce(): Promise<void> {
    if (this.#core.terminated) return Promise.reject(new ExecutorClosedError(this.#core.queue));
    if (this.#starting === undefined) {
      this.#starting = this.#start();
      this.#starting.then(
        () => {
          this.#started = true;
        },
        () => {
          this.#starting = undefined;
        },
      );
    }
    return this.#starting;
  }

  async #start(): Promise<void> {
    await this.#options.prepare();
    const { store } = this.#options;
    if (store.kind === 'postgres') return this.#startPostgres(store);
    const core = this.#core;
    const connection = toConnectionOptions(store.connection, this.#control);
    const { prefix, telemetry } = core;
    const bull = new Queue(core.queue, {
      connection,
      ...(prefix === undefined ? {} : { prefix }),
      ...(telemetry === undefined ? {} : { telemetry }),
    });
    bull.on('error', (error) => {
      this.#lastError = error;
    });
    try {
      await this.#openEvents(bull);
      core.bull = bull;
    } catch (error) {
      // Stop reconnecting only if nothing else runs; a later ready() makes new clients anyway.
      const control = this.#control;
      control.stopped = true;
      await closeWithin(() => bull.close(), 1000);
      if (!this.#closing) this.#control = { stopped: false };
      throw error;
    }
  }

  // On PostgreSQL: BullMQ's pool for commands, and connections of Weft's own for the results
  // (PostgresResultSource) and cancellation (publishing goes through BullMQ's pool). The pool
  // reconnects per query; the result source's connection tells when the store is down.
  async #startPostgres(store: PostgresStore): Promise<void> {
    const core = this.#core;
    await this.#connecting(ensurePostgresSchema(store));
    const { connection, backend } = bullPostgres(store);
    const { telemetry } = core;
    const bull = new Queue(
      core.queue,
      { connection, ...(telemetry === undefined ? {} : { telemetry }) },
      backend,
    );
    bull.on('error', (error) => {
      this.#lastError = error;
    });
    const pool = (bull.getBackend() as unknown as PostgresQueueBackend).connection.pool;
    const source = new PostgresResultSource({
      store,
      queue: core.queue,
      query: (text, params) => pool.query(text, params),
      onConnection: (up) => (up ? this.#markUp(source) : this.#markDown(source)),
    });
    try {
      await this.#connecting(bull.waitUntilReady());
      await this.#connecting(source.start(this.#results));
    } catch (error) {
      await closeWithin(() => source.stop(), 1000);
      await closeWithin(() => bull.close(), 1000);
      throw error;
    }
    // The executor uses only BullMQ's store-neutral Queue API (add, getJob, remove).
    core.bull = bull as unknown as Queue;
    core.source = source;
    core.seen = source.position;
    this.#results.begin(source.position);
    core.cancels = new PostgresCancelChannel({ store, queue: core.queue, query: pool });
    this.#sweepTimer = setInterval(() => void this.#results.sweep(), SWEEP_INTERVAL);
    this.#sweepTimer.unref();
  }

  // One step of connecting: bounded by connectTimeout, and given up at once by terminate() (a
  // connectTimeout may be days long).
  #connecting<T>(step: Promise<T>): Promise<T> {
    return withinConnectTimeout(
      step,
      this.#options.connectTimeout,
      this.#options.address,
      () => this.#lastError,
      this.#terminating,
    );
  }

  async #openEvents(bull: Queue): Promise<void> {
    const core = this.#core;
    const client = (await this.#connecting(bull.getBackend().client)) as unknown as RawClient;
    await this.#connecting(bull.waitUntilReady());
    const source = new RedisResultSource({
      client,
      key: bull.keys.events ?? '',
      connecting: (step) => this.#connecting(step),
      onConnectionError: (error) => {
        this.#lastError = error;
      },
    });
    try {
      await source.start(this.#results);
    } catch (error) {
      this.#control.stopped = true;
      await source.stop();
      throw error;
    }
    core.source = source;
    core.seen = source.position;
    this.#results.begin(source.position);
    core.cancels = new RedisCancelChannel({
      client: client as unknown as PubSubClient,
      prefix: core.prefix,
      queue: core.queue,
    });
    this.#watch([client, source.readerClient!]);
    this.#sweepTimer = setInterval(() => void this.#results.sweep(), SWEEP_INTERVAL);
    this.#sweepTimer.unref();
  }

  // Connection loss: ioredis reconnects on its own; if it stays down while calls are in flight,
  // they reject instead of waiting forever.
  #watch(clients: RawClient[]): void {
    const handlers = clients.map((client) => {
      const onClose = (): void => this.#markDown(client);
      const onReady = (): void => this.#markUp(client);
      client.on('close', onClose);
      client.on('end', onClose);
      client.on('ready', onReady);
      return () => {
        client.off('close', onClose);
        client.off('end', onClose);
        client.off('ready', onReady);
      };
    });
    this.#detachClients = () => handlers.forEach((off) => off());
  }

  #markDown(connection: object): void {
    if (this.#closing) return;
    const wasUp = this.#down.size === 0;
    this.#down.add(connection);
    if (!wasUp) return;
    this.#core.publish({ type: 'connection:lost', time: now() });
    this.#lostTimer = setLongTimeout(
      () => this.#connectionLost(),
      this.#options.connectionLostTimeout,
    );
  }

  #markUp(connection: object): void {
    if (!this.#down.delete(connection) || this.#down.size > 0) return;
    this.#lostTimer?.clear();
    this.#lostTimer = undefined;
    this.#core.publish({ type: 'connection:restored', time: now() });
    this.#recheckAll();
  }

  // The Redis we reconnected to may not hold our jobs any more (restarted without persistence, a
  // failover to a replica that lagged) and its stream may be empty, so no event would ever settle
  // the calls: read every call's job back at once, and a job that is gone rejects its call.
  #recheckAll(): void {
    const added = this.#core.callsInRedis();
    if (added.length > 0 && this.#core.bull !== undefined)
      this.#core.track(this.#results.reconcile(added));
  }

  #connectionLost(): void {
    this.#lostTimer = undefined;
    const cause = this.#lastError;
    const timeout = this.#options.connectionLostTimeout;
    for (const call of [...this.#core.calls.values()]) {
      const store = this.#options.store.kind === 'postgres' ? 'PostgreSQL' : 'Redis';
      const error = new RedisConnectionLostError(
        call.jobId,
        timeout,
        cause === undefined ? { store } : { cause, store },
      );
      this.#core.finish(call, 'lost', undefined, 'rejected', error);
    }
  }

  /** Whether a call can be submitted at once: started, no connection down, not terminated. */
  get up(): boolean {
    return this.#started && this.#down.size === 0 && !this.#core.terminated;
  }

  /** Connects if needed; while Redis is down, waits for ioredis to reconnect (connectTimeout). */
  async ensureConnected(): Promise<void> {
    await this.startOnce();
    if (this.#down.size === 0) return;
    const { connectTimeout, address } = this.#options;
    const deadline = Date.now() + connectTimeout;
    let check: NodeJS.Timeout | undefined;
    try {
      await withinConnectTimeout(
        new Promise<void>((resolve) => {
          check = setInterval(() => {
            if (this.#down.size === 0 || this.#closing || Date.now() > deadline) resolve();
          }, 20);
        }),
        connectTimeout,
        address,
        () => this.#lastError,
      );
    } finally {
      clearInterval(check);
    }
    if (this.#down.size > 0) throw new RedisUnavailableError(address, connectTimeout);
  }

  /** close() or terminate() began: connection events no longer count as losses. */
  markClosing(): void {
    this.#closing = true;
  }

  /** terminate(): a connect in progress is given up. */
  giveUpConnecting(): void {
    this.#giveUpConnecting(new ExecutorClosedError(this.#core.queue));
  }

  async shutdown(): Promise<void> {
    const core = this.#core;
    await this.#starting?.catch(() => undefined);
    await core.settleBackground();
    this.#lostTimer?.clear();
    clearInterval(this.#sweepTimer);
    this.#detachClients?.();
    this.#control.stopped = true;
    const { source, bull } = core;
    if (source !== undefined) await closeWithin(() => source.stop(), 2000);
    if (bull !== undefined) await closeWithin(() => bull.close(), 2000);
  }
}
