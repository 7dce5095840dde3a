// Delivery of scheduler events: to `subscribe()` listeners and to node:diagnostics_channel. A
// listener that throws never reaches the run loop.
import diagnostics_channel from 'node:diagnostics_channel';
import { schedulerChannels } from '../events.js';
import type { SchedulerEvent } from '../events.js';

const channels = {
  'task:queued': diagnostics_channel.channel(schedulerChannels['task:queued']),
  'task:routed': diagnostics_channel.channel(schedulerChannels['task:routed']),
  'task:started': diagnostics_channel.channel(schedulerChannels['task:started']),
  'task:finished': diagnostics_channel.channel(schedulerChannels['task:finished']),
  'task:retried': diagnostics_channel.channel(schedulerChannels['task:retried']),
  'task:settled': diagnostics_channel.channel(schedulerChannels['task:settled']),
};
const channelList = Object.values(channels);

function channelsObserved(): boolean {
  for (const channel of channelList) if (channel.hasSubscribers) return true;
  return false;
}

export class EventHub {
  readonly #listeners = new Set<(event: SchedulerEvent) => void>();

  /** Whether anyone receives task events; when not, the run loop builds none. */
  observed(): boolean {
    return this.#listeners.size !== 0 || channelsObserved();
  }

  subscribe(listener: (event: SchedulerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: SchedulerEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A failing observer must not break scheduling.
      }
    }
    const channel = channels[event.type];
    if (channel.hasSubscribers) channel.publish(event);
  }
}
