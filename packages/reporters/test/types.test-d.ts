import { describe, expectTypeOf, it } from 'vitest';
import {
  compare,
  toChromeTrace,
  validateTimeline,
  type ProgressBar,
  type ProgressStream,
  type ReportInputInvalidError,
  type ReporterOptionsInvalidError,
  type ChromeTrace,
  type Comparison,
  type ReportInput,
  type Timeline,
} from '@weft/reporters';

// The Timeline shape producers code against (core-scheduler/src/recorder.ts,
// apps/playground/src/pool-recorder.ts), pinned here so a change to it is deliberate.
interface ContractTimeline {
  readonly lanes: readonly {
    id: string;
    name: string;
    kind: 'main' | 'event-loop' | 'worker' | 'process' | 'remote';
    pid?: number;
    threadId?: number;
  }[];
  readonly spans: readonly {
    lane: string;
    name: string;
    start: number;
    end: number;
    status: 'fulfilled' | 'rejected' | 'cancelled' | 'timeout';
    attempt?: number;
    args?: Record<string, string | number | boolean>;
  }[];
  readonly instants: readonly {
    lane: string;
    name: string;
    time: number;
    kind: 'spawn' | 'exit' | 'crash' | 'mark';
  }[];
  readonly counters: readonly {
    name: string;
    points: readonly { time: number; value: number }[];
  }[];
}

describe('Timeline', () => {
  it('accepts the contract shape as is', () => {
    expectTypeOf<ContractTimeline>().toExtend<Timeline>();
  });

  it('is what validateTimeline returns and toChromeTrace takes', () => {
    expectTypeOf(validateTimeline).returns.toEqualTypeOf<Timeline>();
    expectTypeOf(toChromeTrace).parameter(0).toEqualTypeOf<Timeline>();
    expectTypeOf(toChromeTrace).returns.toEqualTypeOf<ChromeTrace>();
  });
});

describe('compare()', () => {
  it('returns a Comparison that a report accepts', () => {
    expectTypeOf(compare).returns.toEqualTypeOf<Comparison>();
    expectTypeOf<{ comparison: Comparison }>().toExtend<ReportInput>();
  });
});

describe('errors', () => {
  it('carry literal codes', () => {
    expectTypeOf<
      ReportInputInvalidError['code']
    >().toEqualTypeOf<'ERR_WEFT_REPORT_INPUT_INVALID'>();
    expectTypeOf<
      ReporterOptionsInvalidError['code']
    >().toEqualTypeOf<'ERR_WEFT_REPORTER_OPTIONS_INVALID'>();
    expectTypeOf<ReportInputInvalidError['field']>().toEqualTypeOf<string>();
  });
});

describe('ProgressBar', () => {
  it('is disposable', () => {
    expectTypeOf<ProgressBar>().toExtend<Disposable>();
  });
});

describe('ProgressStream', () => {
  it('accepts process.stderr', () => {
    expectTypeOf(process.stderr).toExtend<ProgressStream>();
  });
});
