import { describe, expect, it } from 'vitest';
import {
  fannkuch,
  nBody,
  piDigits,
  piSeries,
  sha256Chain,
  spectralNorm,
  WorkloadAbortedError,
} from '@weft/workloads';
import { expectSplitInvariant } from './helpers.js';

describe('piDigits', () => {
  it('computes the known digits of π at the small size', async () => {
    const result = await piDigits.run(piDigits.sizes.small);
    expect(result.digits?.slice(0, 30)).toBe('314159265358979323846264338327');
    expect(result.digits?.slice(990, 1000)).toBe('9216420198');
    expect(piDigits.verify(result, piDigits.sizes.small)).toEqual(
      expect.objectContaining({ ok: true, against: 'reference' }),
    );
  });

  it('gives identical digits for 1, 2, 3 and 5 parts', async () => {
    await expectSplitInvariant(piDigits, piDigits.validate({ digits: 500 }));
  });

  it('flags wrong digits', async () => {
    const params = piDigits.validate({ digits: 1000 });
    const result = await piDigits.run(params);
    const wrong = { ...result, digits: `${result.digits!.slice(0, 995)}00000` };
    expect(piDigits.verify(wrong, params).ok).toBe(false);
  });

  it('does not verify a part on its own', async () => {
    const params = piDigits.validate({ digits: 100 });
    const [first] = piDigits.split(params, 2);
    expect(piDigits.verify(await piDigits.run(first!), params).ok).toBe(false);
  });
});

describe('piSeries', () => {
  it('integrates π to within 1e-9 for 1, 2, 3 and 5 parts', async () => {
    const whole = await expectSplitInvariant(piSeries, piSeries.validate({ intervals: 200_000 }));
    expect(Math.abs(whole.value + whole.compensation - Math.PI)).toBeLessThan(1e-9);
  });

  it('flags a value off by more than 1e-9', () => {
    const params = piSeries.validate({ intervals: 200_000 });
    const wrong = { range: { start: 0, end: 200_000 }, value: Math.PI + 1e-8, compensation: 0 };
    expect(piSeries.verify(wrong, params).ok).toBe(false);
  });
});

describe('nBody', () => {
  it('matches the published energies after 1000 steps', async () => {
    const params = nBody.validate({ steps: 1000, runs: 1 });
    const result = await nBody.run(params);
    expect(result.energyBefore).toBe('-0.169075164');
    expect(result.value).toBe('-0.169087605');
  });

  it('splits into independent identical runs', async () => {
    await expectSplitInvariant(nBody, nBody.sizes.small);
    expect(nBody.split(nBody.sizes.small, 10)).toHaveLength(nBody.sizes.small.runs);
  });

  it('checks only energy conservation when there is no published value', async () => {
    const params = nBody.validate({ steps: 10, runs: 1 });
    expect(nBody.verify(await nBody.run(params), params)).toMatchObject({
      ok: true,
      against: 'invariant',
    });
  });
});

describe('spectralNorm', () => {
  it('matches the published norm for N=100 and splits into identical runs', async () => {
    const whole = await expectSplitInvariant(spectralNorm, spectralNorm.sizes.small);
    expect(whole.value).toBe('1.274219991');
  });

  it('flags runs that disagree', () => {
    const params = spectralNorm.sizes.small;
    const result = { range: { start: 0, end: params.runs }, value: '1.274219991', mismatches: 1 };
    expect(spectralNorm.verify(result, params).ok).toBe(false);
  });
});

describe('fannkuch', () => {
  it('matches checksum 228 and 16 flips for N=7 for 1, 2, 3 and 5 parts', async () => {
    const whole = await expectSplitInvariant(fannkuch, fannkuch.sizes.small, [1, 2, 3, 5, 7]);
    expect(whole).toMatchObject({ checksum: 228, maxFlips: 16 });
  });

  it('matches the published N=8 figures whatever the ranges (odd-length and single-permutation parts)', async () => {
    const params = fannkuch.validate({ n: 8 });
    const parts = [
      { n: 8, range: { start: 0, end: 1 } },
      { n: 8, range: { start: 1, end: 12_345 } },
      { n: 8, range: { start: 12_345, end: 40_320 } },
    ];
    const merged = fannkuch.merge(
      await Promise.all(parts.map((part) => fannkuch.run(part))),
      params,
    );
    expect(merged).toEqual(await fannkuch.run(params));
  });
});

describe('sha256Chain', () => {
  it('matches independently computed digests and splits by chains', async () => {
    const whole = await expectSplitInvariant(
      sha256Chain,
      sha256Chain.validate({ iterations: 10_000, chains: 4 }),
    );
    expect(whole.digests[0]).toBe(
      '52e5e409cf0bfc76eb1b0d2c4ba4366afd7ec10e3620bc7751782f2ddecea19f',
    );
  });

  it('recomputes a chain that has no stored reference', async () => {
    const params = sha256Chain.validate({ iterations: 100, chains: 2 });
    expect(sha256Chain.verify(await sha256Chain.run(params), params)).toMatchObject({
      ok: true,
      against: 'recomputed',
    });
    expect(
      sha256Chain.verify({ range: { start: 0, end: 2 }, digests: ['00', '00'] }, params).ok,
    ).toBe(false);
  });
});

describe('CPU kernels and AbortSignal', () => {
  it('reject with WorkloadAbortedError carrying the reason when the signal is already aborted', async () => {
    const reason = new Error('stop');
    await expect(
      piSeries.run(piSeries.sizes.small, { signal: AbortSignal.abort(reason) }),
    ).rejects.toMatchObject({
      code: 'ERR_WEFT_WORKLOAD_ABORTED',
      cause: reason,
    });
    await expect(
      fannkuch.run(fannkuch.sizes.small, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(WorkloadAbortedError);
  });
});
