// Gives every test file a Redis address and a PostgreSQL address: WEFT_REDIS_URL /
// WEFT_POSTGRES_URL when set (CI sets both and must fail, not skip, when one is missing or
// unreachable); otherwise, outside CI, a private redis-server / PostgreSQL cluster started here. On a
// machine without a server's binaries (and outside CI) its address is '' and the suites on that
// store skip with a note saying how to run them.
import type { TestProject } from 'vitest/node';
import { startRedis, pingRedis } from './redis-server.js';
import type { RedisServer } from './redis-server.js';
import { pingPostgres, postgresBinDir, startPostgres } from './postgres-server.js';
import type { PostgresServer } from './postgres-server.js';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(command: string): boolean {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.some((dir) => existsSync(join(dir, command)));
}

const inCI = (): boolean => process.env['CI'] !== undefined && process.env['CI'] !== '';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    postgresUrl: string;
  }
}

let server: RedisServer | undefined;
let postgres: PostgresServer | undefined;

async function redisUrl(): Promise<string> {
  const url = process.env['WEFT_REDIS_URL'];
  if (url !== undefined && url !== '') {
    if (!(await pingRedis(url, 3000)))
      throw new Error(`WEFT_REDIS_URL=${url} does not answer PING: start Redis there.`);
    return url;
  }
  if (inCI()) {
    throw new Error(
      'WEFT_REDIS_URL is not set: under CI the @weft/distributed tests need a Redis (see .ci/run).',
    );
  }
  if (!onPath('redis-server')) {
    console.warn(
      '@weft/distributed: SKIPPING the Redis tests: redis-server is not installed. Install it ' +
        '(`apt-get install -y redis-server`, `brew install redis`) or set WEFT_REDIS_URL; under CI ' +
        'this is a failure.',
    );
    return '';
  }
  server = await startRedis();
  return server.url;
}

async function postgresUrl(): Promise<string> {
  const url = process.env['WEFT_POSTGRES_URL'];
  if (url !== undefined && url !== '') {
    if (!(await pingPostgres(url, 5000)))
      throw new Error(`WEFT_POSTGRES_URL=${url} does not answer: start PostgreSQL there.`);
    return url;
  }
  if (inCI()) {
    throw new Error(
      'WEFT_POSTGRES_URL is not set: under CI the @weft/distributed tests need a PostgreSQL (see .ci/run).',
    );
  }
  if (postgresBinDir() === undefined) {
    console.warn(
      '@weft/distributed: SKIPPING the PostgreSQL tests: the PostgreSQL server is not installed. ' +
        'Install it (`apt-get install -y postgresql`, `brew install postgresql`) or set ' +
        'WEFT_POSTGRES_URL; under CI this is a failure.',
    );
    return '';
  }
  postgres = await startPostgres();
  return postgres.url;
}

export async function setup(project: TestProject): Promise<void> {
  project.provide('redisUrl', await redisUrl());
  project.provide('postgresUrl', await postgresUrl());
}

export async function teardown(): Promise<void> {
  await Promise.all([server?.stop(), postgres?.stop()]);
}
