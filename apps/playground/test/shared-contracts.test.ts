// Two small contracts every Weft package keeps, each written once where the dependency graph
// allows and copied where it does not (core-scheduler and reporters depend on no Weft package):
// - describeValue: how an error message names the value it was given ("got ...");
// - now(): the clock every package stamps times with (performance.timeOrigin + performance.now());
// - errorType: the OpenTelemetry `error.type` a span or metric records for a failure.
// The copies are read from the packages' sources (they are internal); this test fails as soon as a
// copy gives other text, or another time, than the one it copies.
import { InvalidOptionError as SchedulerInvalidOptionError } from '@weft/core-scheduler';
import { InvalidOptionError as DistributedInvalidOptionError } from '@weft/distributed';
import { describeValue } from '@weft/sync-primitives';
import { WorkloadOptionError } from '@weft/workloads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { now as schedulerNow } from '../../../packages/core-scheduler/src/internal/clock.js';
import { describeValue as schedulerCopy } from '../../../packages/core-scheduler/src/internal/describe-value.js';
import { now as distributedNow } from '../../../packages/distributed/src/internal/clock.js';
import { now as poolNow } from '../../../packages/process-pool/src/internal/clock.js';
import { describeValue as reportersCopy } from '../../../packages/reporters/src/internal/describe-value.js';
import { now as workloadsNow } from '../../../packages/workloads/src/internal/clock.js';
import { errorType as schedulerErrorType } from '../../../packages/core-scheduler/src/internal/telemetry.js';
import { errorType as distributedErrorType } from '../../../packages/distributed/src/internal/call-telemetry.js';
import { errorType as poolErrorType } from '../../../packages/process-pool/src/internal/telemetry.js';

class Point {
  readonly x = 1;
}

/** Values of every kind, and the text each must read as. */
const VALUES: readonly (readonly [unknown, string])[] = [
  ['wide', '"wide"'],
  ['', '""'],
  ['x'.repeat(100), JSON.stringify(`${'x'.repeat(57)}...`)],
  ['say "hi"\n', '"say \\"hi\\"\\n"'],
  [-1, '-1'],
  [Number.NaN, 'NaN'],
  [Infinity, 'Infinity'],
  [true, 'true'],
  [10n, '10n'],
  [Symbol('tag'), 'Symbol(tag)'],
  [null, 'null'],
  [undefined, 'undefined'],
  [() => 1, 'a function'],
  [[1, 2, 3], 'an array'],
  [{ a: { deep: 'secret' } }, 'an object'],
  [Object.create(null), 'an object'],
  [new Map(), 'an object (Map)'],
  [new Point(), 'an object (Point)'],
  [new SharedArrayBuffer(4), 'an object (SharedArrayBuffer)'],
  [
    new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    ),
    'an object',
  ],
];

describe('describeValue: one text for a given value in every package', () => {
  it.each(VALUES.map(([value, text]) => [describeValue(value), value, text] as const))(
    'sync-primitives names %s as expected',
    (got, _value, text) => {
      expect(got).toBe(text);
    },
  );

  it('the copies in core-scheduler and reporters give the same text for every value', () => {
    for (const [value] of VALUES) {
      expect(schedulerCopy(value), String(describeValue(value))).toBe(describeValue(value));
      expect(reportersCopy(value), String(describeValue(value))).toBe(describeValue(value));
    }
  });

  it('error messages of core-scheduler, distributed and workloads name the given value with it', () => {
    for (const [value] of VALUES) {
      const text = describeValue(value);
      expect(new SchedulerInvalidOptionError('o', value, 'x').message).toContain(`got ${text};`);
      expect(new DistributedInvalidOptionError('o', value, 'x').message).toContain(`got ${text};`);
      expect(new WorkloadOptionError('f', 'o', value, 'x').message).toMatch(
        new RegExp(`got ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      );
    }
  });
});

describe('now(): one clock in every package', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const clocks = {
    'core-scheduler': schedulerNow,
    distributed: distributedNow,
    'process-pool': poolNow,
    workloads: workloadsNow,
  };

  it.each(Object.entries(clocks))(
    '%s reads performance.now() on performance.timeOrigin, at each call',
    (_name, clock) => {
      const spy = vi.spyOn(performance, 'now');
      spy.mockReturnValue(1234.5);
      expect(clock()).toBe(performance.timeOrigin + 1234.5);
      spy.mockReturnValue(99_000.25);
      expect(clock()).toBe(performance.timeOrigin + 99_000.25);
    },
  );
});

describe('errorType(): one OpenTelemetry error.type in every package that records spans', () => {
  const copies = [
    ['process-pool', poolErrorType],
    ['core-scheduler', schedulerErrorType],
    ['distributed', distributedErrorType],
  ] as const;
  const withCode = Object.assign(new Error('full'), { code: 'ERR_WEFT_QUEUE_FULL' });
  const emptyCode = Object.assign(new TypeError('bad'), { code: '' });
  const CASES: readonly (readonly [unknown, string])[] = [
    [withCode, 'ERR_WEFT_QUEUE_FULL'],
    [emptyCode, 'TypeError'],
    [new RangeError('out'), 'RangeError'],
    [{ name: 'Custom' }, 'Custom'],
    [{ name: '' }, '_OTHER'],
    [{ code: 42, name: 'Odd' }, 'Odd'],
    ['a thrown string', '_OTHER'],
    [undefined, '_OTHER'],
    [null, '_OTHER'],
  ];

  it.each(copies)(
    '%s gives the agreed error.type for every kind of thrown value',
    (_, errorType) => {
      for (const [thrown, expected] of CASES) expect(errorType(thrown)).toBe(expected);
    },
  );
});
