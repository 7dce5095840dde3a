import { describe, expect, it } from 'vitest';
import { ReportInputInvalidError, validateTimeline } from '@weft/reporters';
import { timeline } from './fixtures/data.js';

function fieldOf(value: unknown): string {
  try {
    validateTimeline(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ReportInputInvalidError);
    return (error as ReportInputInvalidError).field;
  }
  throw new Error('expected a ReportInputInvalidError');
}

const empty = { lanes: [], spans: [], instants: [], counters: [] };
const lane = { id: 'w1', name: 'worker 1', kind: 'worker' };

describe('validateTimeline()', () => {
  it('accepts the contract shape and returns an equal copy', () => {
    const copy = validateTimeline(timeline);
    expect(copy).toEqual(timeline);
    expect(copy).not.toBe(timeline);
  });

  it('drops fields it does not know', () => {
    const t = validateTimeline({ ...empty, lanes: [{ ...lane, colour: 'red' }], extra: 1 });
    expect(t).toEqual({ ...empty, lanes: [lane] });
  });

  it('treats optional fields set to undefined as absent', () => {
    const t = validateTimeline({ ...empty, lanes: [{ ...lane, pid: undefined }] });
    expect(t.lanes[0]).toEqual(lane);
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 42, 'timeline'],
    ['missing lanes', { ...empty, lanes: undefined }, 'timeline.lanes'],
    ['a duplicate lane id', { ...empty, lanes: [lane, lane] }, 'timeline.lanes[1].id'],
    [
      'an unknown lane kind',
      { ...empty, lanes: [{ ...lane, kind: 'fiber' }] },
      'timeline.lanes[0].kind',
    ],
    ['a negative pid', { ...empty, lanes: [{ ...lane, pid: -1 }] }, 'timeline.lanes[0].pid'],
    [
      'a span on an unknown lane',
      {
        ...empty,
        lanes: [lane],
        spans: [{ lane: 'w9', name: 't', start: 0, end: 1, status: 'fulfilled' }],
      },
      'timeline.spans[0].lane',
    ],
    [
      'a span ending before it starts',
      {
        ...empty,
        lanes: [lane],
        spans: [{ lane: 'w1', name: 't', start: 5, end: 1, status: 'fulfilled' }],
      },
      'timeline.spans[0].end',
    ],
    [
      'an unknown span status',
      {
        ...empty,
        lanes: [lane],
        spans: [{ lane: 'w1', name: 't', start: 0, end: 1, status: 'ok' }],
      },
      'timeline.spans[0].status',
    ],
    [
      'a non-scalar span arg',
      {
        ...empty,
        lanes: [lane],
        spans: [{ lane: 'w1', name: 't', start: 0, end: 1, status: 'fulfilled', args: { o: {} } }],
      },
      'timeline.spans[0].args.o',
    ],
    [
      'an unknown instant kind',
      { ...empty, lanes: [lane], instants: [{ lane: 'w1', name: 'x', time: 0, kind: 'boom' }] },
      'timeline.instants[0].kind',
    ],
    [
      'a NaN counter value',
      { ...empty, counters: [{ name: 'q', points: [{ time: 0, value: Number.NaN }] }] },
      'timeline.counters[0].points[0].value',
    ],
  ])('rejects %s, naming the field', (_name, value, field) => {
    expect(fieldOf(value)).toBe(field);
  });

  it('says what was given and what is allowed', () => {
    expect(() => validateTimeline({ ...empty, lanes: [{ ...lane, kind: 'fiber' }] })).toThrow(
      /timeline\.lanes\[0\]\.kind: got "fiber"; expected one of 'main', 'event-loop', 'worker', 'process', 'remote'/,
    );
  });
});
