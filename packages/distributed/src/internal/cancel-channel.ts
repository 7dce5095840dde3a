// How callers ask the workers of a queue to stop a running job. The Redis implementation is a
// pub/sub channel (redis-cancel-channel.ts); another store plugs in by implementing this interface.
// Nothing here names a client library.

/**
 * A broadcast channel of job ids to cancel, one per queue: every subscribed worker receives every
 * id and aborts the job if it runs it (or remembers it for a while, in case it picks it up).
 * Delivery is best effort: a worker that is not subscribed at the moment misses the message.
 *
 * @example
 * ```ts
 * await channel.subscribe((jobId) => abortIfRunning(jobId)); // a worker
 * await channel.publish('0f9c…'); // a caller
 * channel.close();
 * ```
 */
export interface CancelChannel {
  /** Asks every subscribed worker to stop `jobId`. */
  publish(jobId: string): Promise<void>;
  /**
   * Starts receiving; resolves once subscribed. `handler` gets each message as a string (anyone who
   * can publish can send anything: treat it as untrusted).
   */
  subscribe(handler: (jobId: string) => void): Promise<void>;
  /** Stops receiving and releases the channel's own connection, if it has one. */
  close(): void;
}
