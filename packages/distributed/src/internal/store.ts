// Which store a connection names (Redis or PostgreSQL), decided once from the option as given, and
// the BullMQ backend factory for it.
import { createPostgresBackend, isPgPool } from 'bullmq';
import type { BackendFactory, ConnectionOptions, PgPool, PostgresConnectionOptions } from 'bullmq';
import type { Connection, PostgresOptions, RedisConnection } from '../connection.js';
import { InvalidOptionError } from '../errors.js';
import { connectionSecrets, describeConnection } from './connection.js';
import { describePostgres, postgresSecrets } from './postgres.js';

/** BullMQ's schema when none is given (its DEFAULT_SCHEMA). */
export const DEFAULT_POSTGRES_SCHEMA = 'bullmq';

/** A PostgreSQL store: settings Weft passes to BullMQ (and uses for its own LISTEN connections). */
export interface PostgresStore {
  readonly kind: 'postgres';
  /** `pg` settings (a URL is turned into `connectionString`), or the caller's pool. */
  readonly target: PostgresOptions | PgPool;
  /** The schema BullMQ's tables are in. */
  readonly schema: string;
  /** Whether connecting creates or upgrades that schema. */
  readonly migrate: boolean;
}

export interface RedisStore {
  readonly kind: 'redis';
  readonly connection: RedisConnection;
}

export type Store = RedisStore | PostgresStore;

/** Whether `text` is a PostgreSQL connection URL. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(text.trim());
}

function postgresStore(given: unknown, option: string): PostgresStore {
  if (typeof given === 'string') {
    if (given.trim() === '')
      throw new InvalidOptionError(option, given, 'a postgres:// URL, pg options or a pg.Pool');
    return {
      kind: 'postgres',
      target: { connectionString: given },
      schema: DEFAULT_POSTGRES_SCHEMA,
      migrate: true,
    };
  }
  if (isPgPool(given))
    return { kind: 'postgres', target: given, schema: DEFAULT_POSTGRES_SCHEMA, migrate: true };
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new InvalidOptionError(option, given, 'a postgres:// URL, pg options or a pg.Pool');
  const options = given as PostgresOptions;
  if (options.schema !== undefined && (typeof options.schema !== 'string' || options.schema === ''))
    throw new InvalidOptionError(`${option}.schema`, options.schema, 'a non-empty schema name');
  if (options.migrate !== undefined && typeof options.migrate !== 'boolean')
    throw new InvalidOptionError(`${option}.migrate`, options.migrate, 'true or false');
  const migrate =
    options.migrate ?? (options.skipMigrations === undefined ? true : !options.skipMigrations);
  return {
    kind: 'postgres',
    target: options,
    schema: options.schema ?? DEFAULT_POSTGRES_SCHEMA,
    migrate,
  };
}

/** The store a `connection` option names; throws InvalidOptionError for a malformed one. */
export function storeOf(connection: Connection, option = 'connection'): Store {
  if (typeof connection === 'string') {
    return isPostgresUrl(connection)
      ? postgresStore(connection, option)
      : { kind: 'redis', connection };
  }
  if (typeof connection === 'object' && connection !== null && 'postgres' in connection)
    return postgresStore(connection.postgres, `${option}.postgres`);
  return { kind: 'redis', connection: connection as RedisConnection };
}

/**
 * BullMQ's `connection` option and backend factory for a PostgreSQL store. BullMQ builds its own
 * pool from settings (loading `pg` itself); migrations run on connect unless turned off. Pools of
 * the caller are passed as they are (they can't run BullMQ's migrations: see ensurePostgresSchema).
 * Typed as BullMQ's default (Redis) options so one `new Queue(name, { connection }, backend)`
 * serves both stores: BullMQ hands `connection` to the factory untouched.
 */
export function bullPostgres(store: PostgresStore): {
  connection: ConnectionOptions;
  backend: BackendFactory;
} {
  const { target } = store;
  const connection: PostgresConnectionOptions = isPgPool(target)
    ? target
    : (() => {
        // `migrate` and `skipMigrations` are exclusive in BullMQ: pass the resolved one only.
        const { skipMigrations: _skip, ...rest } = target;
        return { ...rest, schema: store.schema, migrate: store.migrate };
      })();
  return {
    connection: connection,
    backend: createPostgresBackend as unknown as BackendFactory,
  };
}

/** The store's address for messages, without secrets. */
export function describeStore(store: Store): string {
  return store.kind === 'redis' ? describeConnection(store.connection) : describePostgres(store);
}

/** Every secret the store's settings carry, to mask in text (longest first). */
export function storeSecrets(store: Store): string[] {
  return store.kind === 'redis' ? connectionSecrets(store.connection) : postgresSecrets(store);
}
