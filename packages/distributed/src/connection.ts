// How to reach Redis: a URL or ioredis options, passed through to BullMQ (and so to ioredis).
import type { RedisOptions as IORedisOptions } from 'ioredis';

/**
 * Where Redis is: a URL (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS) or ioredis
 * options, passed through unchanged (`host`, `port`, `password`, `tls`, `db`, `family`, ...),
 * plus BullMQ's `url` (a connection string the other options add to) and `skipVersionCheck`.
 *
 * @example
 * ```ts
 * const a: RedisConnection = 'redis://127.0.0.1:6379';
 * const b: RedisConnection = { host: 'redis.internal', port: 6380, password: process.env.REDIS_PASSWORD };
 * ```
 */
export type RedisConnection =
  string | (IORedisOptions & { readonly url?: string; readonly skipVersionCheck?: boolean });
