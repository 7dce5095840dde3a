// How to reach the store BullMQ keeps its queues in: Redis (a URL or ioredis options, passed
// through to BullMQ and so to ioredis) or PostgreSQL (a postgres:// URL, or `{ postgres: ... }`).
import type { PostgresPoolConfig } from 'bullmq';
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

/**
 * node-postgres (`pg`) connection settings (`connectionString`, `host`, `port`, `user`,
 * `password`, `database`, `ssl`, `max`, ...), passed through to `pg.Pool`, plus BullMQ's:
 * `schema` (the PostgreSQL schema its tables live in; default `bullmq`), `migrate` (create or
 * upgrade that schema on connect; Weft's default is `true`, `false` for a role that may not run
 * DDL, whose schema an administrator migrated) and `skipVersionCheck`.
 *
 * @example
 * ```ts
 * const options: PostgresOptions = { host: 'db.internal', database: 'jobs', user: 'weft', schema: 'weft_jobs' };
 * ```
 */
export type PostgresOptions = PostgresPoolConfig;

/**
 * A `pg.Pool` of yours (what Weft uses of it: `connect`, `query`, `end`).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool: PostgresPool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
 * ```
 */
export interface PostgresPool {
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

/**
 * Where PostgreSQL is, for BullMQ's PostgreSQL storage: a `postgres://` / `postgresql://` URL,
 * {@link PostgresOptions}, or a `pg.Pool` of yours (shared, never closed by Weft; it uses the
 * `bullmq` schema and needs at least 2 connections per executor or worker, since each holds one
 * for LISTEN). Needs the `pg` package installed beside `@weft/distributed`.
 *
 * @example
 * ```ts
 * const a: PostgresConnection = { postgres: 'postgres://weft@db.internal:5432/jobs' };
 * const b: PostgresConnection = { postgres: { connectionString: process.env.DATABASE_URL, schema: 'weft_jobs' } };
 * ```
 */
export interface PostgresConnection {
  readonly postgres: string | PostgresOptions | PostgresPool;
}

/**
 * Where the queue is stored. Redis is the default: a string is a Redis URL unless it starts with
 * `postgres://` or `postgresql://`; an object is ioredis options unless it has a `postgres` key.
 * Callers and workers of one queue must use the same store.
 *
 * @example
 * ```ts
 * const redis: Connection = 'redis://127.0.0.1:6379';
 * const postgres: Connection = 'postgres://weft@127.0.0.1:5432/jobs';
 * const withSchema: Connection = { postgres: { connectionString: 'postgres://127.0.0.1/jobs', schema: 'weft' } };
 * ```
 */
export type Connection = RedisConnection | PostgresConnection;
