// Properties of the scheduler's queue order and limits over random inputs (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scheduler } from '@weft/core-scheduler';
import { Gauge, flush } from './helpers.js';

describe('Scheduler queue (properties)', () => {
  it('without aging, runs any mix of priorities as a stable sort by descending priority', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 40 }),
        async (priorities) => {
          const scheduler = new Scheduler({
            concurrency: 1,
            paused: true,
            agingInterval: Infinity,
          });
          const ran: number[] = [];
          const all = priorities.map((priority, index) =>
            scheduler.schedule({ fn: () => void ran.push(index), priority }),
          );
          scheduler.resume();
          await Promise.all(all);
          const expected = priorities
            .map((priority, index) => ({ priority, index }))
            .sort((a, b) => b.priority - a.priority || a.index - b.index);
          expect(ran).toEqual(expected.map((e) => e.index));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('never runs more than `concurrency` at once and settles every task, whatever the durations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            ticks: fc.integer({ min: 0, max: 5 }),
            fails: fc.boolean(),
            priority: fc.integer({ min: 0, max: 2 }),
          }),
          {
            maxLength: 30,
          },
        ),
        async (concurrency, specs) => {
          const scheduler = new Scheduler({ concurrency });
          const gauge = new Gauge();
          const outcomes = await scheduler.allSettled(
            specs.map((spec) => ({
              priority: spec.priority,
              fn: async () => {
                gauge.enter();
                await flush(spec.ticks);
                gauge.leave();
                if (spec.fails) throw new Error('planned');
                return spec.ticks;
              },
            })),
          );
          expect(gauge.max).toBeLessThanOrEqual(concurrency);
          expect(outcomes.map((o) => o.status)).toEqual(
            specs.map((s) => (s.fails ? 'rejected' : 'fulfilled')),
          );
          expect([scheduler.pending, scheduler.running]).toEqual([0, 0]);
        },
      ),
      { numRuns: 50 },
    );
  });
});
