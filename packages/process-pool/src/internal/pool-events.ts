// The pool's events: emitted on the Pool (an EventEmitter) and published on node:diagnostics_channel
// channels `weft:process-pool:<event>`. Payloads are built only when someone listens, since most
// pools have no listener and the per-task path must not pay for one.
import { channel } from 'node:diagnostics_channel';
import type { EventEmitter } from 'node:events';
import type { PoolEvents } from '../pool-types.js';

const channels = {
  'task:queued': channel('weft:process-pool:task:queued'),
  'task:started': channel('weft:process-pool:task:started'),
  'task:settled': channel('weft:process-pool:task:settled'),
  'worker:spawned': channel('weft:process-pool:worker:spawned'),
  'worker:exited': channel('weft:process-pool:worker:exited'),
} as const;

/** Where the pool's events go: the Pool itself. */
export type EventSink = EventEmitter<PoolEvents>;

/** Whether anyone listens to `event` (build its payload only then). */
export function wanted(sink: EventSink, event: keyof PoolEvents): boolean {
  return channels[event].hasSubscribers || sink.listenerCount(event) > 0;
}

/** Publish `payload` on the channel and emit it on the pool, each only if someone listens. */
export function publish<E extends keyof PoolEvents>(
  sink: EventSink,
  event: E,
  payload: PoolEvents[E][0],
): void {
  const ch = channels[event];
  if (ch.hasSubscribers) ch.publish(payload);
  if (sink.listenerCount(event) > 0)
    (sink.emit as (e: string, p: unknown) => boolean)(event, payload);
}
