// The stores the distributed suites run on: each suite runs once per store this machine has a
// server for (global-setup.ts; under CI both must be there, or setup fails). Tests that are about
// Redis itself (its stream, a Redis restarted empty) stay Redis-only and say so.
import { inject } from 'vitest';
import { Queue } from 'bullmq';
import { startWorker } from '@weft/distributed';
import type { DistributedWorker } from '@weft/distributed';
import { bullPostgres, storeOf } from '../src/internal/store.js';
import type { PostgresStore } from '../src/internal/store.js';
import { TASKS_URL } from './helpers.js';

export type StoreName = 'redis' | 'postgres';

export interface TestStore {
  readonly name: StoreName;
  readonly url: string;
}

const all: TestStore[] = [
  { name: 'redis', url: inject('redisUrl') },
  { name: 'postgres', url: inject('postgresUrl') },
];

for (const store of all) {
  if (store.url === '')
    console.warn(`@weft/distributed: the ${store.name} runs are SKIPPED (see global-setup.ts)`);
}

/** Every store with a server in this run (a suite's `describe.each`). */
export const testStores: readonly TestStore[] = all.filter((store) => store.url !== '');

/** A BullMQ Queue on `store`, to look at or change a queue the way another program would. */
export function adminQueue(store: TestStore, queue: string): Queue {
  if (store.name === 'redis') return new Queue(queue, { connection: { url: store.url } });
  const { connection, backend } = bullPostgres(storeOf(store.url) as PostgresStore);
  return new Queue(queue, { connection }, backend) as unknown as Queue;
}

/** weft-worker's flag for `store`. */
export function storeArgs(store: TestStore): string[] {
  return store.name === 'redis' ? ['--redis', store.url] : ['--postgres', store.url];
}

/** An inline worker of the test tasks (fixtures/tasks.mjs) on `queue`, one job at a time. */
export function inlineTestWorker(store: TestStore, queue: string): Promise<DistributedWorker> {
  return startWorker({
    connection: store.url,
    queue,
    tasks: [TASKS_URL],
    kind: 'inline',
    concurrency: 1,
  });
}
