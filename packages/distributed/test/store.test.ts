// Which store a connection option names, and how a PostgreSQL one is shown without its password.
import { describe, expect, test } from 'vitest';
import pg from 'pg';
import { InvalidOptionError } from '../src/errors.js';
import { describePostgres, postgresSecrets } from '../src/internal/postgres.js';
import { bullPostgres, storeOf } from '../src/internal/store.js';
import type { PostgresStore } from '../src/internal/store.js';

describe('storeOf', () => {
  test('Redis is the default: URLs, scheme-less addresses and ioredis options', () => {
    for (const connection of [
      'redis://127.0.0.1:6379',
      'rediss://h:6380',
      '127.0.0.1:6379',
      { host: 'h', port: 1 },
      { url: 'redis://h' },
    ]) {
      expect(storeOf(connection).kind).toBe('redis');
    }
  });

  test('postgres:// and postgresql:// URLs, and { postgres }, pick PostgreSQL', () => {
    expect(storeOf('postgres://u@h:5432/db')).toEqual({
      kind: 'postgres',
      target: { connectionString: 'postgres://u@h:5432/db' },
      schema: 'bullmq',
      migrate: true,
    });
    expect(storeOf('PostgreSQL://h/db').kind).toBe('postgres');
    const store = storeOf({ postgres: { host: 'h', schema: 'jobs', migrate: false } });
    expect(store).toMatchObject({ kind: 'postgres', schema: 'jobs', migrate: false });
    expect(storeOf({ postgres: { host: 'h', skipMigrations: true } })).toMatchObject({
      migrate: false,
    });
  });

  test('a pg.Pool of the caller is used as it is', () => {
    const pool = new pg.Pool({ connectionString: 'postgres://127.0.0.1:1/none' });
    const store = storeOf({ postgres: pool }) as PostgresStore;
    expect(store.target).toBe(pool);
    expect(bullPostgres(store).connection).toBe(pool);
    return pool.end();
  });

  test('BullMQ gets the schema and one resolved migration setting', () => {
    const store = storeOf({ postgres: { host: 'h', skipMigrations: true } }) as PostgresStore;
    expect(bullPostgres(store).connection).toEqual({ host: 'h', schema: 'bullmq', migrate: false });
  });

  test('malformed PostgreSQL settings are refused before connecting', () => {
    expect(() => storeOf({ postgres: '' })).toThrow(InvalidOptionError);
    expect(() => storeOf({ postgres: 5 as never })).toThrow(/connection\.postgres/);
    expect(() => storeOf({ postgres: { schema: '' } })).toThrow(/connection\.postgres\.schema/);
    expect(() => storeOf({ postgres: { migrate: 'yes' as never } })).toThrow(/migrate/);
  });
});

describe('describePostgres / postgresSecrets', () => {
  test('passwords are masked in URLs and found in options', () => {
    const url = storeOf('postgres://weft:s%23cret@db:5432/jobs?password=other') as PostgresStore;
    expect(describePostgres(url)).toBe('postgres://weft:***@db:5432/jobs?password=***');
    expect(postgresSecrets(url)).toEqual(expect.arrayContaining(['s%23cret', 's#cret', 'other']));
    const options = storeOf({ postgres: { host: 'db', password: 'pw', database: 'jobs' } });
    expect(describePostgres(options as PostgresStore)).toBe('postgres://db:5432/jobs');
    expect(postgresSecrets(options as PostgresStore)).toEqual(['pw']);
  });
});
