// Gives every test file a Redis address: WEFT_REDIS_URL when set (CI sets it and must fail, not
// skip, when it is unreachable); otherwise, outside CI, a private redis-server started here. On a
// machine without redis-server (and outside CI) the address is '' and the Redis suites skip with a
// note saying how to run them.
import type { TestProject } from 'vitest/node';
import { startRedis, pingRedis } from './redis-server.js';
import type { RedisServer } from './redis-server.js';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(command: string): boolean {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.some((dir) => existsSync(join(dir, command)));
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let server: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env['WEFT_REDIS_URL'];
  if (url === undefined || url === '') {
    if (process.env['CI'] !== undefined && process.env['CI'] !== '') {
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
      project.provide('redisUrl', '');
      return;
    }
    server = await startRedis();
    url = server.url;
  } else if (!(await pingRedis(url, 3000))) {
    throw new Error(`WEFT_REDIS_URL=${url} does not answer PING: start Redis there.`);
  }
  project.provide('redisUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
