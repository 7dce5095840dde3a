// The events of a Scheduler: `subscribe()` to every event, and p-queue-style named listeners
// (`on`, `once`, `off`). This layer also builds the run loop every other layer of the Scheduler
// works on (see internal/scheduler-parts.ts).
import { InvalidOptionError } from './errors.js';
import type { SchedulerEvent, SchedulerEventMap, SchedulerEventName } from './events.js';
import { buildRunLoop, type RunLoop } from './internal/scheduler-parts.js';
import type { SchedulerOptions } from './scheduler-options.js';

const EVENT_NAMES: ReadonlySet<string> = new Set<SchedulerEventName>([
  'add',
  'active',
  'completed',
  'error',
  'next',
  'empty',
  'idle',
  'routed',
  'retried',
  'ratelimit',
  'ratelimitcleared',
  'depleted',
  'listenererror',
]);

function checkListener(type: unknown, listener: unknown): void {
  if (typeof type !== 'string' || !EVENT_NAMES.has(type))
    throw new InvalidOptionError('type', type, [...EVENT_NAMES].map((n) => `'${n}'`).join(' | '));
  if (typeof listener !== 'function')
    throw new InvalidOptionError('listener', listener, 'a function (event) => void');
}

/** The event methods of {@link Scheduler} (documented there). */
export class SchedulerEvents {
  readonly #loop: RunLoop;

  /** @param options - See {@link SchedulerOptions}. */
  constructor(options: SchedulerOptions) {
    this.#loop = buildRunLoop(this, options);
    const recorder = options.recorder;
    if (recorder !== undefined) {
      if (typeof recorder.record !== 'function')
        throw new InvalidOptionError('recorder', recorder, 'an object with a record(event) method');
      this.subscribe((event) => recorder.record(event));
    }
  }

  /**
   * Subscribes to every event (see {@link SchedulerEvent}); events are also published on
   * `node:diagnostics_channel` (see {@link schedulerChannels}). A listener that throws does not
   * disturb scheduling; what it threw goes to `listenererror` (see {@link Scheduler.on}).
   *
   * @param listener - Called synchronously with each event.
   * @returns A function that unsubscribes.
   * @throws {@link InvalidOptionError} if `listener` is not a function.
   *
   * @example
   * ```ts
   * const unsubscribe = scheduler.subscribe((event) => console.log(event.type, event.name));
   * ```
   */
  subscribe(listener: (event: SchedulerEvent) => void): () => void {
    if (typeof listener !== 'function')
      throw new InvalidOptionError('listener', listener, 'a function (event) => void');
    return this.#loop.hub.subscribe(listener);
  }

  /**
   * Listens to one named event (see {@link SchedulerEventMap}): p-queue's `add`, `active`,
   * `completed`, `error`, `next`, `empty`, `idle`, and Weft's `routed`, `retried` and
   * `listenererror`. Listeners run synchronously; one that throws does not disturb scheduling,
   * and what it threw is passed to `listenererror` listeners, or, with none, reported as a
   * process warning (code `WEFT_SCHEDULER_LISTENER_ERROR`). With no listener, events cost nothing.
   *
   * @param type - The event name.
   * @param listener - Called with the event's object.
   * @returns A function that removes the listener.
   * @throws {@link InvalidOptionError} for an unknown event name or a listener that is not a function.
   *
   * @example
   * ```ts
   * scheduler.on('completed', (e) => console.log(e.name, e.result));
   * scheduler.on('error', (e) => console.error(e.name, e.error));
   * const off = scheduler.on('idle', () => console.log('all done'));
   * off();
   * ```
   */
  on<K extends SchedulerEventName>(
    type: K,
    listener: (event: SchedulerEventMap[K]) => void,
  ): () => void {
    checkListener(type, listener);
    return this.#loop.hub.on(type, listener);
  }

  /**
   * Like {@link Scheduler.on}, but the listener is removed after its first call.
   *
   * @param type - The event name.
   * @param listener - Called once with the event's object.
   * @returns A function that removes the listener before it was called.
   * @throws {@link InvalidOptionError} for an unknown event name or a listener that is not a function.
   *
   * @example
   * ```ts
   * scheduler.once('empty', () => console.log('queue drained'));
   * ```
   */
  once<K extends SchedulerEventName>(
    type: K,
    listener: (event: SchedulerEventMap[K]) => void,
  ): () => void {
    checkListener(type, listener);
    const off = this.on(type, (event) => {
      off();
      listener(event);
    });
    return off;
  }

  /**
   * Removes a listener added with {@link Scheduler.on} (a listener of `once` is removed by the
   * function `once` returned).
   *
   * @param type - The event name.
   * @param listener - The listener given to `on`.
   *
   * @example
   * ```ts
   * const log = (e: SchedulerEventMap['completed']) => console.log(e.result);
   * scheduler.on('completed', log);
   * scheduler.off('completed', log);
   * ```
   */
  off<K extends SchedulerEventName>(
    type: K,
    listener: (event: SchedulerEventMap[K]) => void,
  ): void {
    this.#loop.hub.off(type, listener);
  }
}
