// The Redis password never shows: in every form ioredis accepts it, the address in error messages,
// the `address` field and what weft-worker prints on stderr are masked. Redis is unreachable here
// (a free port), so every form ends in RedisUnavailableError, which quotes the address.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BullMQExecutor, RedisUnavailableError, startWorker } from '@weft/distributed';
import type { RedisConnection } from '@weft/distributed';
import { killAllWorkers, spawnWorker, TASKS_URL } from './helpers.js';
import { freePort } from './redis-server.js';

const redisUrl = inject('redisUrl');
const noRedis = redisUrl === '';
const SECRET = 'S3cret-pw';

afterEach(() => killAllWorkers());

async function forms(): Promise<string[]> {
  const port = await freePort();
  return [
    `redis://:${SECRET}@127.0.0.1:${port}`,
    `redis://user:${SECRET}@127.0.0.1:${port}`,
    `redis://127.0.0.1:${port}/?password=${SECRET}`,
    `redis://127.0.0.1:${port}/0?db=0&password=${SECRET}`,
    `user:${SECRET}@127.0.0.1:${port}`,
  ];
}

describe.skipIf(noRedis)('Redis passwords', () => {
  // One weft-worker process per form, all at once: five process starts one after another took
  // close to the 30 s test timeout on a loaded 2-core machine.
  it('are masked on weft-worker stderr for every URL form', { timeout: 120_000 }, async () => {
    const urls = await forms();
    const errors = await Promise.all(
      urls.map(async (url) =>
        String(
          await spawnWorker([
            '--redis',
            url,
            '--connect-timeout',
            '300',
            '--tasks',
            TASKS_URL,
          ]).catch((e: unknown) => e),
        ),
      ),
    );
    urls.forEach((url, i) => {
      expect(errors[i], url).toMatch(/exited \(1\)/);
      expect(errors[i], url).not.toContain(SECRET);
      expect(errors[i], url).toContain('***');
    });
  });

  it('are masked in RedisUnavailableError messages and address fields, for URLs and options', async () => {
    const port = await freePort();
    const connections: RedisConnection[] = [
      ...(await forms()),
      { host: '127.0.0.1', port, password: SECRET },
      { host: '127.0.0.1', port, username: 'user', password: SECRET },
    ];
    for (const connection of connections) {
      const label = JSON.stringify(connection);
      const fromWorker = (await startWorker({
        connection,
        queue: 'q',
        tasks: [TASKS_URL],
        connectTimeout: 300,
      }).catch((e: unknown) => e)) as RedisUnavailableError;
      const ex = new BullMQExecutor({
        connection,
        queue: 'q',
        tasks: [TASKS_URL],
        connectTimeout: 300,
      });
      const fromExecutor = (await ex.ready().catch((e: unknown) => e)) as RedisUnavailableError;
      await ex.terminate();
      for (const error of [fromWorker, fromExecutor]) {
        expect(error, label).toBeInstanceOf(RedisUnavailableError);
        expect(error.address, label).not.toContain(SECRET);
        expect(error.message, label).not.toContain(SECRET);
        expect(String(error.stack), label).not.toContain(SECRET);
      }
    }
  });
});
