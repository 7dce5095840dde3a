// Turning a RedisConnection into BullMQ connection options, describing it without secrets, and
// waiting for a connection with a bound (ioredis alone retries forever).
import type { RedisOptions } from 'bullmq';
import type { RedisConnection } from '../connection.js';
import { RedisUnavailableError } from '../errors.js';

/** Set `stopped` to make ioredis stop reconnecting (it would otherwise retry forever). */
export interface ReconnectControl {
  stopped: boolean;
}

// BullMQ's own default: back off from 1 s to 20 s.
const bullRetry = (times: number): number => Math.max(Math.min(Math.exp(times), 20_000), 1000);

export function toConnectionOptions(
  connection: RedisConnection,
  control: ReconnectControl,
): RedisOptions {
  const options: RedisOptions =
    typeof connection === 'string' ? { url: connection } : { ...connection };
  const given = options.retryStrategy;
  // A client that never connected, or lost Redis at shutdown, keeps reconnect timers alive forever
  // unless the strategy gives up; BullMQ's close() alone can't stop it.
  options.retryStrategy = (times: number) =>
    control.stopped ? null : given == null ? bullRetry(times) : given(times);
  return options;
}

/** The address for messages, password removed. */
export function describeConnection(connection: RedisConnection): string {
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      if (url.password !== '') url.password = '***';
      return url.href;
    } catch {
      return connection;
    }
  }
  if (connection.path !== undefined) return connection.path;
  return `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
}

/** Settle with `promise`, or reject with RedisUnavailableError after `timeout` ms. */
export async function withinConnectTimeout<T>(
  promise: Promise<T>,
  timeout: number,
  address: string,
  lastError: () => unknown,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = lastError();
      reject(
        new RedisUnavailableError(address, timeout, cause === undefined ? undefined : { cause }),
      );
    }, timeout);
  });
  try {
    return await Promise.race([promise, expired]);
  } catch (error) {
    if (error instanceof RedisUnavailableError) throw error;
    throw new RedisUnavailableError(address, timeout, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Run `close`, but give up waiting after `ms` (closing a never-connected client may not settle). */
export async function closeWithin(close: () => Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    close().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** The few raw ioredis members we use beyond BullMQ's client interface. */
export interface RawClient {
  readonly status: string;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<number>;
  /** A new connection with the same options (and `override`). */
  duplicate(override?: Record<string, unknown>): RawClient;
  disconnect(): void;
}
