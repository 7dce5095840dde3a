// Weft's own PostgreSQL connections (beside BullMQ's pool): loading the optional `pg` driver,
// opening a dedicated LISTEN connection to the store, running BullMQ's migrations on a pool of the
// caller's, and describing a store without its password.
import { isPgPool, runMigrations } from 'bullmq';
import type { PgNotification } from 'bullmq';
import { InvalidOptionError } from '../errors.js';
import type { PostgresStore } from './store.js';

/** The members of a `pg` client (own or checked out of a pool) Weft's LISTEN connections use. */
export interface ListenClient {
  query(text: string, params?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** A named statement: parsed and planned once per connection, then only executed. */
  query(statement: {
    readonly name: string;
    readonly text: string;
    readonly values: readonly unknown[];
  }): Promise<{ rows: Record<string, unknown>[] }>;
  on(event: 'notification', listener: (message: PgNotification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'notification', listener: (message: PgNotification) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
  removeAllListeners(event?: string): unknown;
}

/** A LISTEN connection and how to let it go (end an own client, release a pooled one). */
export interface OpenClient {
  readonly client: ListenClient;
  close(): Promise<void>;
}

interface PgClientLike extends ListenClient {
  connect(): Promise<void>;
  end(): Promise<void>;
}

interface PgModuleLike {
  Client: new (config: Record<string, unknown>) => PgClientLike;
}

let pgModule: Promise<PgModuleLike> | undefined;

/** The `pg` driver, imported on first use (it is an optional peer dependency). */
export function loadPg(): Promise<PgModuleLike> {
  pgModule ??= import('pg').then(
    (module: { default?: unknown }) => (module.default ?? module) as PgModuleLike,
    (error: unknown) => {
      pgModule = undefined;
      throw new InvalidOptionError(
        'connection',
        'a PostgreSQL connection',
        `a Redis connection, or PostgreSQL with the "pg" package installed (npm install pg): it could not be loaded (${error instanceof Error ? error.message : String(error)})`,
      );
    },
  );
  return pgModule;
}

/** Keepalive on LISTEN connections, so a silently dropped one is noticed (as BullMQ does). */
const KEEPALIVE_DELAY_MS = 10_000;

/**
 * A new connection of its own to the store (on a pool of the caller's: a client checked out of
 * it), for LISTEN; `search_path` is the store's schema.
 */
export async function openListenClient(store: PostgresStore, name = 'weft'): Promise<OpenClient> {
  const { target } = store;
  if (isPgPool(target)) {
    const client = await target.connect();
    return {
      client: client as unknown as ListenClient,
      close: () => {
        client.removeAllListeners('notification');
        client.release(true);
        return Promise.resolve();
      },
    };
  }
  const pg = await loadPg();
  const {
    schema: _schema,
    migrate: _m,
    skipMigrations: _s,
    skipVersionCheck: _v,
    ...config
  } = target;
  const client = new pg.Client({
    application_name: name,
    ...config,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  });
  // An error on an idle client is reported through the owner's 'error' listener; until then a
  // listener here keeps it from crashing the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return { client, close: () => client.end().catch(() => undefined) };
}

/**
 * BullMQ migrates only through pools it builds itself; on a pool of the caller's, Weft runs the
 * same migrations (in one session: they take an advisory lock) when the store asks for them.
 */
export async function ensurePostgresSchema(store: PostgresStore): Promise<void> {
  if (!store.migrate || !isPgPool(store.target)) return;
  const client = await store.target.connect();
  try {
    await runMigrations(client, store.schema);
  } finally {
    client.release();
  }
}

/** The schema as an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Passwords a PostgreSQL store carries (URL and options), to mask in text. */
export function postgresSecrets(store: PostgresStore): string[] {
  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value !== 'string' || value === '') return;
    found.add(value);
    try {
      found.add(decodeURIComponent(value));
    } catch {
      // Not percent-encoded.
    }
  };
  if (!isPgPool(store.target)) {
    const options = store.target;
    add(options.password);
    if (typeof options.connectionString === 'string') {
      try {
        const url = new URL(options.connectionString);
        add(url.password);
        for (const value of url.searchParams.getAll('password')) add(value);
      } catch {
        add(/^[^/]*\/\/[^/@]*?:([^/@]*)@/.exec(options.connectionString)?.[1]);
      }
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** The store's address for messages, without its password. */
export function describePostgres(store: PostgresStore): string {
  const { target } = store;
  if (isPgPool(target)) return 'PostgreSQL (a pg.Pool)';
  if (typeof target.connectionString === 'string') {
    try {
      const url = new URL(target.connectionString);
      if (url.password !== '') url.password = '***';
      for (const key of [...url.searchParams.keys()])
        if (key.toLowerCase() === 'password') url.searchParams.set(key, '***');
      return url.href;
    } catch {
      let text = target.connectionString;
      for (const secret of postgresSecrets(store)) text = text.split(secret).join('***');
      return text;
    }
  }
  const host = typeof target.host === 'string' ? target.host : '127.0.0.1';
  const port = typeof target.port === 'number' ? target.port : 5432;
  const database = typeof target.database === 'string' ? `/${target.database}` : '';
  return `postgres://${host}:${port}${database}`;
}
