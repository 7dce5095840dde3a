// Delivery of scheduler events: to `subscribe()` listeners, to node:diagnostics_channel, and to
// the named listeners of `on()`. A listener that throws never reaches the run loop; what it threw
// goes to `listenererror` listeners, else to a process warning.
import diagnostics_channel from 'node:diagnostics_channel';
import { schedulerChannels } from '../events.js';
import type { SchedulerEvent, SchedulerEventMap, SchedulerEventName } from '../events.js';

const channels = {
  'task:queued': diagnostics_channel.channel(schedulerChannels['task:queued']),
  'task:routed': diagnostics_channel.channel(schedulerChannels['task:routed']),
  'task:started': diagnostics_channel.channel(schedulerChannels['task:started']),
  'task:finished': diagnostics_channel.channel(schedulerChannels['task:finished']),
  'task:retried': diagnostics_channel.channel(schedulerChannels['task:retried']),
  'task:settled': diagnostics_channel.channel(schedulerChannels['task:settled']),
};
const queuedChannel = channels['task:queued'];
const routedChannel = channels['task:routed'];
const startedChannel = channels['task:started'];
const finishedChannel = channels['task:finished'];
const retriedChannel = channels['task:retried'];
const settledChannel = channels['task:settled'];

// Asked three times per task: each channel by its own constant (no array, loop or iterator).
function channelsObserved(): boolean {
  return (
    queuedChannel.hasSubscribers ||
    routedChannel.hasSubscribers ||
    startedChannel.hasSubscribers ||
    finishedChannel.hasSubscribers ||
    retriedChannel.hasSubscribers ||
    settledChannel.hasSubscribers
  );
}

type Listener<K extends SchedulerEventName> = (event: SchedulerEventMap[K]) => void;

/**
 * The events whose listeners the run loop looks up for every task (the others fire on changes of
 * the scheduler's state, such as `idle`).
 */
export type PerTaskEventName =
  'add' | 'routed' | 'active' | 'empty' | 'completed' | 'error' | 'next';

function isPerTask(type: SchedulerEventName): type is PerTaskEventName {
  switch (type) {
    case 'add':
    case 'routed':
    case 'active':
    case 'empty':
    case 'completed':
    case 'error':
    case 'next':
      return true;
    case 'idle':
    case 'retried':
    case 'ratelimit':
    case 'ratelimitcleared':
    case 'depleted':
    case 'listenererror':
      return false;
    default:
      return type satisfies never;
  }
}

export const LISTENER_WARNING_CODE = 'WEFT_SCHEDULER_LISTENER_ERROR';

export class EventHub {
  readonly #listeners = new Set<(event: SchedulerEvent) => void>();
  /** `#listeners.size`, as a plain field for the per-task check of {@link observed}. */
  #subscribed = 0;
  readonly #named = new Map<SchedulerEventName, Set<Listener<never>>>();
  /** Listeners per event name, as fields: `has(type)` is one property read, no hashing. */
  readonly #counts: Record<SchedulerEventName, number> = {
    add: 0,
    active: 0,
    completed: 0,
    error: 0,
    next: 0,
    empty: 0,
    idle: 0,
    routed: 0,
    retried: 0,
    ratelimit: 0,
    ratelimitcleared: 0,
    depleted: 0,
    listenererror: 0,
  };
  /** Named listeners in all: while 0, the run loop looks no further (one field check). */
  named = 0;
  /**
   * Named listeners of {@link PerTaskEventName} events: while 0, a task's way through the run loop
   * looks up no listener (one field check), as for a SchedulerGroup's key, which listens to `idle`
   * only: a lookup keyed by event name cost ~2% of such a task.
   */
  perTaskNamed = 0;

  /** Whether anyone receives task events; when not, the run loop builds none. */
  observed(): boolean {
    return this.#subscribed !== 0 || channelsObserved();
  }

  /**
   * Whether `type` has a named listener: the run loop builds an event's object only then, so a
   * listener of one event (a SchedulerGroup's `idle`) costs the others nothing.
   */
  has(type: SchedulerEventName): boolean {
    return this.named !== 0 && this.#counts[type] !== 0;
  }

  /** {@link has} for the events looked up per task: one field check while none has a listener. */
  hasPerTask(type: PerTaskEventName): boolean {
    return this.perTaskNamed !== 0 && this.#counts[type] !== 0;
  }

  subscribe(listener: (event: SchedulerEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#subscribed = this.#listeners.size;
    return () => {
      this.#listeners.delete(listener);
      this.#subscribed = this.#listeners.size;
    };
  }

  on<K extends SchedulerEventName>(type: K, listener: Listener<K>): () => void {
    let set = this.#named.get(type) as Set<Listener<K>> | undefined;
    if (set === undefined) {
      set = new Set();
      this.#named.set(type, set);
    }
    if (!set.has(listener)) {
      set.add(listener);
      this.#counts[type]++;
      this.named++;
      if (isPerTask(type)) this.perTaskNamed++;
    }
    return () => this.off(type, listener);
  }

  off<K extends SchedulerEventName>(type: K, listener: Listener<K>): void {
    if ((this.#named.get(type) as Set<Listener<K>> | undefined)?.delete(listener) === true) {
      this.#counts[type]--;
      this.named--;
      if (isPerTask(type)) this.perTaskNamed--;
    }
  }

  /** Calls the named listeners of `type`. */
  fire<K extends SchedulerEventName>(type: K, event: SchedulerEventMap[K]): void {
    const set = this.#named.get(type) as Set<Listener<K>> | undefined;
    if (set === undefined || set.size === 0) return;
    if (set.size === 1) {
      // The usual case, without copying the set.
      for (const listener of set) {
        this.#call(type, listener, event);
        return;
      }
    }
    // A copy, so that listeners added or removed by a listener take effect from the next event.
    for (const listener of [...set]) this.#call(type, listener, event);
  }

  #call<K extends SchedulerEventName>(
    type: K,
    listener: Listener<K>,
    event: SchedulerEventMap[K],
  ): void {
    try {
      listener(event);
    } catch (error) {
      this.#listenerThrew(type, error);
    }
  }

  /** Delivers a task event to `subscribe()` listeners, its channel, and `routed`/`retried`. */
  emit(event: SchedulerEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#listenerThrew(event.type, error);
      }
    }
    const channel = channels[event.type];
    if (channel.hasSubscribers) channel.publish(event);
    if (this.named !== 0) {
      if (event.type === 'task:routed') this.fire('routed', event);
      else if (event.type === 'task:retried') this.fire('retried', event);
    }
  }

  #listenerThrew(event: string, error: unknown): void {
    if (event !== 'listenererror' && this.has('listenererror')) {
      this.fire('listenererror', { event, error });
      return;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.emitWarning(`A scheduler listener of '${event}' threw: ${detail}`, {
      code: LISTENER_WARNING_CODE,
    });
  }
}
