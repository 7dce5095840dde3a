// Turning a RedisConnection into BullMQ connection options, describing it without secrets, and
// waiting for a connection with a bound (ioredis alone retries forever).
import type { RedisOptions } from 'bullmq';
import { setLongTimeout } from '@weft/sync-primitives';
import type { LongTimeout } from '@weft/sync-primitives';
import type { RedisConnection } from '../connection.js';
import { DistributedError, RedisUnavailableError } from '../errors.js';

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

const MASK = '***';

/** Parse a connection string as ioredis does: scheme-less `user:pass@host:port` is a redis:// URL. */
function parseRedisUrl(text: string): URL | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `redis://${text}`);
  } catch {
    return undefined;
  }
}

/**
 * Every secret a connection carries, in each form it may appear in text (as written and
 * percent-decoded): URL passwords (`redis://:pw@h`, `redis://u:pw@h`, scheme-less `u:pw@h`), the
 * `?password=` query parameter, and the `password` / `sentinelPassword` / `url` of options.
 */
export function connectionSecrets(connection: RedisConnection): string[] {
  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value !== 'string' || value === '') return;
    found.add(value);
    try {
      found.add(decodeURIComponent(value));
    } catch {
      // Not percent-encoded: the raw form is enough.
    }
  };
  const fromUrl = (text: string): void => {
    const url = parseRedisUrl(text);
    if (url !== undefined) {
      add(url.password);
      for (const value of url.searchParams.getAll('password')) add(value);
    }
    // What a URL parser would not read (a malformed string): the text between ':' and '@'.
    const userinfo = /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/@]*?:([^/@]*)@/i.exec(text);
    add(userinfo?.[1]);
    for (const match of text.matchAll(/[?&]password=([^&#]*)/gi)) add(match[1]);
  };
  if (typeof connection === 'string') fromUrl(connection);
  else if (typeof connection === 'object' && connection !== null) {
    const options = connection;
    add(options.password);
    add(options.sentinelPassword);
    if (typeof options.url === 'string') fromUrl(options.url);
  }
  // Longest first, so a secret that contains another is masked whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every one of `secrets` replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}

/** The address for messages, passwords removed (every form ioredis accepts). */
export function describeConnection(connection: RedisConnection): string {
  const secrets = connectionSecrets(connection);
  if (typeof connection === 'string') {
    const url = parseRedisUrl(connection);
    if (url === undefined) return redact(connection, secrets);
    if (url.password !== '') url.password = MASK;
    const masked = url.href.replace(/([?&]password=)[^&#]*/gi, `$1${MASK}`);
    // A scheme-less address stays scheme-less, as the user wrote it.
    const shown = connection.includes('://') ? masked : masked.slice('redis://'.length);
    return redact(shown, secrets);
  }
  const options = connection;
  if (typeof options.url === 'string') return describeConnection(options.url);
  if (options.path !== undefined) return redact(options.path, secrets);
  return redact(`${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`, secrets);
}

/**
 * Settle with `promise`, or reject with RedisUnavailableError after `timeout` ms (a user's
 * `connectTimeout`: any length, so a long timer), or with the error of `abandon` if that rejects
 * first (the caller gave up: the timer is cleared rather than left to keep the process alive).
 */
export async function withinConnectTimeout<T>(
  promise: Promise<T>,
  timeout: number,
  address: string,
  lastError: () => unknown,
  abandon?: Promise<never>,
): Promise<T> {
  let timer: LongTimeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setLongTimeout(() => {
      const cause = lastError();
      reject(
        new RedisUnavailableError(address, timeout, cause === undefined ? undefined : { cause }),
      );
    }, timeout);
  });
  try {
    return await Promise.race(
      abandon === undefined ? [promise, expired] : [promise, expired, abandon],
    );
  } catch (error) {
    // Our own typed errors (the timeout's, the abandon's) as they are; Redis's as the cause.
    if (error instanceof DistributedError) throw error;
    throw new RedisUnavailableError(address, timeout, { cause: error });
  } finally {
    timer?.clear();
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

/**
 * `error` itself when its message and stack hold none of `secrets`; otherwise a plain Error of the
 * same name with them masked (its cause dropped: it may hold them too).
 */
export function redactError(error: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return error;
  if (!(error instanceof Error)) {
    return typeof error === 'string' ? redact(error, secrets) : error;
  }
  const leaks = (text: string | undefined): boolean =>
    text !== undefined && secrets.some((secret) => text.includes(secret));
  if (!leaks(error.message) && !leaks(error.stack)) return error;
  const copy = new Error(redact(error.message, secrets));
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = redact(error.stack, secrets);
  return copy;
}
