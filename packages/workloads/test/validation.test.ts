import { describe, expect, it } from 'vitest';
import {
  getWorkload,
  WorkloadParamsError,
  workloadNames,
  type PartRange,
  type Workload,
} from '@weft/workloads';

const bad: Record<string, readonly [field: string, value: unknown][]> = {
  'pi-digits': [
    ['digits', 1],
    ['digits', 2.5],
  ],
  'pi-series': [['intervals', 10]],
  'n-body': [
    ['steps', 0],
    ['runs', -1],
  ],
  'spectral-norm': [['n', 1]],
  fannkuch: [
    ['n', 13],
    ['n', '7'],
  ],
  mandelbrot: [
    ['size', 4],
    ['zoom', 2],
    ['frames', 0],
  ],
  'sha256-chain': [
    ['iterations', 0],
    ['chains', 1e6],
  ],
  http: [
    ['requests', 0],
    ['concurrency', 0],
    ['delayMs', -1],
  ],
  disk: [
    ['files', 0],
    ['fsync', 'yes'],
    ['directory', ''],
  ],
  timers: [
    ['waits', 0],
    ['delayMs', Number.NaN],
  ],
  'shared-counter': [
    ['threads', 0],
    ['mode', 'racy'],
  ],
  'async-counter': [
    ['tasks', 0],
    ['mode', 'atomic'],
  ],
  isolation: [['tasks', 0]],
  gil: [
    ['threads', 0],
    ['work', 'gpu'],
    ['locked', 1],
  ],
};

describe('validate()', () => {
  it('covers every workload in this table', () => {
    expect(Object.keys(bad).sort()).toEqual([...workloadNames].sort());
  });

  for (const name of workloadNames) {
    describe(name, () => {
      it.each(bad[name]!)(
        'rejects %s = %s naming the field and the allowed values',
        (field, value) => {
          const workload: Workload<unknown, unknown> = getWorkload(name);
          let error: unknown;
          try {
            workload.validate({ [field]: value });
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(WorkloadParamsError);
          expect(error).toMatchObject({ code: 'ERR_WEFT_WORKLOAD_PARAMS', workload: name, field });
          expect((error as WorkloadParamsError).message).toContain(`params.${field}`);
          expect((error as WorkloadParamsError).allowed.length).toBeGreaterThan(0);
        },
      );

      it('rejects an unknown field and a non-object', () => {
        const workload: Workload<unknown, unknown> = getWorkload(name);
        expect(() => workload.validate({ typo: 1 })).toThrow(WorkloadParamsError);
        expect(() => workload.validate(42)).toThrow(WorkloadParamsError);
      });

      it('rejects a part count that is not a positive integer', () => {
        const workload: Workload<unknown, unknown> = getWorkload(name);
        expect(() => workload.split(workload.defaults, 0)).toThrow(WorkloadParamsError);
        expect(() => workload.split(workload.defaults, 1.5)).toThrow(WorkloadParamsError);
      });
    });
  }

  it('rejects a range outside the job', () => {
    expect(() =>
      getWorkload('fannkuch').validate({ n: 7, range: { start: 0, end: 5041 } }),
    ).toThrow(WorkloadParamsError);
    expect(() => getWorkload('fannkuch').validate({ n: 7, range: { start: 3, end: 3 } })).toThrow(
      WorkloadParamsError,
    );
  });
});

describe('merge()', () => {
  const partsOf = (name: string): unknown[] => {
    const workload: Workload<unknown, unknown> = getWorkload(name);
    return workload.split(workload.defaults, 2);
  };
  const divisible = workloadNames.filter((name) => partsOf(name).length === 2);
  const indivisible = workloadNames.filter((name) => partsOf(name).length === 1);

  // Every divisible workload checks the parts' ranges before it reads anything else from them.
  it.each(divisible)('%s refuses parts out of order, overlapping, or leaving a gap', (name) => {
    const workload: Workload<unknown, unknown> = getWorkload(name);
    const [a, b] = partsOf(name).map((part) => ({ range: (part as { range: PartRange }).range }));
    const all = { range: { start: 0, end: b!.range.end } };
    for (const results of [[b, a], [all, b], [a]]) {
      expect(() => workload.merge(results, workload.defaults)).toThrow(WorkloadParamsError);
      expect(() => workload.merge(results, workload.defaults)).toThrow(
        expect.objectContaining({ code: 'ERR_WEFT_WORKLOAD_PARAMS', field: '(results)' }),
      );
    }
  });

  it.each(indivisible)('%s merges exactly the one part split() returns, as it is', (name) => {
    const workload: Workload<unknown, unknown> = getWorkload(name);
    const only = { any: 'result' };
    expect(workload.merge([only], workload.defaults)).toBe(only);
    expect(() => workload.merge([], workload.defaults)).toThrow(WorkloadParamsError);
    expect(() => workload.merge([only, only], workload.defaults)).toThrow(WorkloadParamsError);
  });

  it('leaves no workload out', () => {
    expect([...divisible, ...indivisible].sort()).toEqual([...workloadNames].sort());
  });
});
