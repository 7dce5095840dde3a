// How to reach Redis: a URL or ioredis options, passed through to BullMQ (and so to ioredis).
import type { RedisOptions } from 'bullmq';

/**
 * Where Redis is: a URL (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS) or ioredis
 * options, passed through unchanged (`host`, `port`, `password`, `tls`, `db`, `family`, ...).
 *
 * @example
 * ```ts
 * const a: RedisConnection = 'redis://127.0.0.1:6379';
 * const b: RedisConnection = { host: 'redis.internal', port: 6380, password: process.env.REDIS_PASSWORD };
 * ```
 */
export type RedisConnection = string | RedisOptions;
