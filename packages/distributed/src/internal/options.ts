// Option checks that the executor and the worker share: both take a Redis connection and a BullMQ
// queue name, and reject them the same way before connecting.
import type { RedisConnection } from '../connection.js';
import { InvalidOptionError } from '../errors.js';

/** Throws {@link InvalidOptionError} unless `options` is an object with a usable `connection` and `queue`. */
export function checkQueueOptions(
  options: { readonly connection: RedisConnection; readonly queue: string } | null,
): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', options, 'an object');
  const { connection, queue } = options;
  if (typeof connection !== 'string' && (typeof connection !== 'object' || connection === null)) {
    throw new InvalidOptionError('connection', connection, 'a redis:// URL or ioredis options');
  }
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
    throw new InvalidOptionError('queue', queue, 'a non-empty string without ":"');
  }
}
