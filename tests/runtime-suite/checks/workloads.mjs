// @weft/workloads on this runtime: real work with checked answers, inline, split over a thread
// pool, and the shared-counter race on real threads.
import assert from 'node:assert/strict';
import { Pool } from '@weft/process-pool';
import { asyncCounter, mandelbrot, piDigits, runSplit, sharedCounter } from '@weft/workloads';
import { check, run } from '../harness.mjs';

const FEATURE = 'workloads: verified CPU, race and split runs';

check(`${FEATURE} :: pi digits and Mandelbrot frames match their reference values`, async () => {
  const pi = await piDigits.run(piDigits.sizes.small);
  assert.equal(piDigits.verify(pi, piDigits.sizes.small).ok, true);
  const frames = await mandelbrot.run(mandelbrot.sizes.small);
  assert.equal(mandelbrot.verify(frames, mandelbrot.sizes.small).ok, true);
});

check(
  `${FEATURE} :: a job cut into 4 parts on a thread pool merges to the verified answer`,
  async () => {
    const pool = new Pool({ module: import.meta.resolve('@weft/workloads'), maxWorkers: 2 });
    try {
      const { verification } = await runSplit(mandelbrot, mandelbrot.sizes.small, {
        parts: 4,
        executor: pool,
      });
      assert.equal(verification.ok, true);
    } finally {
      await pool.terminate();
    }
  },
);

check(`${FEATURE} :: Atomics.add and the Mutex lose no update across 2 threads`, async () => {
  for (const mode of ['atomic', 'mutex-manual']) {
    const params = { ...sharedCounter.sizes.small, mode };
    const result = await sharedCounter.run(params);
    assert.equal(sharedCounter.verify(result, params).ok, true, `${mode} lost updates`);
  }
});

check(`${FEATURE} :: the async race loses updates unlocked and none under AsyncMutex`, async () => {
  const unsafe = { ...asyncCounter.sizes.small, mode: 'unsafe' };
  const unsafeResult = await asyncCounter.run(unsafe);
  assert.ok(unsafeResult.lostUpdates > 0, 'the unlocked race lost nothing');
  const locked = { ...asyncCounter.sizes.small, mode: 'mutex' };
  assert.equal(asyncCounter.verify(await asyncCounter.run(locked), locked).ok, true);
});

await run();
