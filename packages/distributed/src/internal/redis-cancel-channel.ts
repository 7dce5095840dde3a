// The cancel channel on Redis pub/sub: `<prefix>:<queue>:weft:cancel`. Publishing goes through a
// command connection the caller already has; subscribing takes a connection of its own (a
// subscribed Redis connection can run no other command).
import type { CancelChannel } from './cancel-channel.js';
import { cancelChannel } from './names.js';

/** The raw ioredis members this channel uses. */
export interface PubSubClient {
  publish(channel: string, message: string): Promise<number>;
  /** A new connection with the same options. */
  duplicate(): SubscriberClient;
}

/** The raw ioredis members of a subscribing connection. */
export interface SubscriberClient {
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  disconnect(): void;
}

export interface RedisCancelChannelOptions {
  /** A command connection: publishes on it, and duplicates it to subscribe. */
  readonly client: PubSubClient;
  readonly prefix: string | undefined;
  readonly queue: string;
  /** An error of the subscribing connection (it reconnects by itself). */
  readonly onError?: (error: unknown) => void;
}

export class RedisCancelChannel implements CancelChannel {
  readonly #client: PubSubClient;
  readonly #channel: string;
  readonly #onError: (error: unknown) => void;
  #subscriber: SubscriberClient | undefined;
  #closed = false;

  constructor(options: RedisCancelChannelOptions) {
    this.#client = options.client;
    this.#channel = cancelChannel(options.prefix, options.queue);
    this.#onError = options.onError ?? (() => undefined);
  }

  async publish(jobId: string): Promise<void> {
    await this.#client.publish(this.#channel, jobId);
  }

  async subscribe(handler: (jobId: string) => void): Promise<void> {
    const subscriber = this.#client.duplicate();
    this.#subscriber = subscriber;
    subscriber.on('error', (error: unknown) => this.#onError(error));
    subscriber.on('message', (channel: unknown, message: unknown) => {
      if (!this.#closed && channel === this.#channel && typeof message === 'string')
        handler(message);
    });
    await subscriber.subscribe(this.#channel);
  }

  close(): void {
    this.#closed = true;
    this.#subscriber?.disconnect();
  }
}
