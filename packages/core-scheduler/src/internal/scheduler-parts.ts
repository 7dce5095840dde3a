// The parts a Scheduler is made of, built once per scheduler: its options resolved, its router
// and its run loop (which holds the event hub). Each layer of the Scheduler's public surface
// (scheduler-events.ts … scheduler.ts) reads the run loop from here once, in its constructor,
// and keeps it in a private field of its own.
import type { SchedulerOptions } from '../scheduler-options.js';
import { EventHub } from './event-hub.js';
import { resolveOptions } from './resolve-options.js';
import { Router } from './router.js';
import { RunLoop } from './run-loop.js';
import { schedulerTelemetry } from './telemetry.js';

export type { RunLoop };

const loops = new WeakMap<object, RunLoop>();

/** Builds the run loop of `scheduler` from its options (throws InvalidOptionError first). */
export function buildRunLoop(scheduler: object, options: SchedulerOptions): RunLoop {
  const resolved = resolveOptions(options);
  const router = new Router(options.auto ?? {}, resolved.cpu !== undefined, resolved.defaultKind);
  const loop = new RunLoop(resolved, router, new EventHub());
  loop.telemetry = schedulerTelemetry(resolved.telemetry, resolved.name, {
    lanes: loop.lanes,
    pendingOn: (lane) => {
      let waiting = 0;
      if (loop.waitingRoom.count !== 0)
        for (const record of loop.waitingRoom.snapshot()) if (record.lane === lane) waiting++;
      return lane.queue.size + waiting;
    },
  });
  loops.set(scheduler, loop);
  return loop;
}

/** The run loop `buildRunLoop` made for `scheduler`. */
export function loopOf(scheduler: object): RunLoop {
  const loop = loops.get(scheduler);
  if (loop === undefined) throw new Error('internal: a Scheduler layer built before its run loop');
  return loop;
}
