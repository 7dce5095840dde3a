// Option checks that the executor and the worker share: both take a connection (Redis or PostgreSQL) and a BullMQ
// queue name, and reject them the same way before connecting.
import type { Connection } from '../connection.js';
import { InvalidOptionError } from '../errors.js';

/** Throws {@link InvalidOptionError} unless `options` is an object with a usable `connection` and `queue`. */
export function checkQueueOptions(
  options: { readonly connection: Connection; readonly queue: string } | null,
): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', options, 'an object');
  const { connection, queue } = options;
  if (typeof connection !== 'string' && (typeof connection !== 'object' || connection === null)) {
    throw new InvalidOptionError(
      'connection',
      connection,
      'a redis:// or postgres:// URL, ioredis options or { postgres }',
    );
  }
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
    throw new InvalidOptionError('queue', queue, 'a non-empty string without ":"');
  }
}
