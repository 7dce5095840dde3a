// Gives every test file a Redis address: WEFT_REDIS_URL when set (CI sets it and must fail, not
// skip, when it is unreachable); otherwise, outside CI, a private redis-server started here.
import type { TestProject } from 'vitest/node';
import { startRedis, pingRedis } from './redis-server.js';
import type { RedisServer } from './redis-server.js';

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
