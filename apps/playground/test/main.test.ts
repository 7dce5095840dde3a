// Exit codes and clean-up of `main`, with stand-in experiments: a failed check exits 1, an error
// exits 1 with its message, and every managed resource is terminated however the run ends.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Experiment, ExperimentOutcome, Terminable } from '../src/experiment.js';
import { main } from '../src/main.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function experiment(run: Experiment['run']): Experiment {
  return { name: 'stand-in', summary: 'a stand-in', description: 'A stand-in.', flags: [], run };
}

const outcome = (failures: string[]): ExperimentOutcome => ({
  experiment: 'stand-in',
  checks: {},
  sections: [],
  failures,
});

async function runMain(
  exp: Experiment,
  signal = new AbortController().signal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await main(['stand-in'], {
    stdout: out.stream,
    stderr: err.stream,
    signal,
    experiments: [exp],
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

class FakePool implements Terminable {
  terminated = 0;
  terminate(): Promise<void> {
    this.terminated += 1;
    return Promise.resolve();
  }
}

describe('main', () => {
  it('exits 0 when every check held', async () => {
    const { code, stderr } = await runMain(experiment(() => Promise.resolve(outcome([]))));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('exits 1 and names each failed check', async () => {
    const { code, stderr } = await runMain(
      experiment(() => Promise.resolve(outcome(['the counter ended at 99, not 100']))),
    );
    expect(code).toBe(1);
    expect(stderr).toContain('check failed: the counter ended at 99, not 100');
  });

  it('exits 1 with the message of an error and terminates what the experiment managed', async () => {
    const pool = new FakePool();
    const { code, stderr } = await runMain(
      experiment((ctx) => {
        ctx.manage(pool);
        return Promise.reject(new Error('the workload broke'));
      }),
    );
    expect(code).toBe(1);
    expect(stderr).toContain('the workload broke');
    expect(pool.terminated).toBeGreaterThanOrEqual(1);
  });

  it('exits 130 and terminates managed resources when the run is aborted', async () => {
    const controller = new AbortController();
    const pool = new FakePool();
    const { code, stderr } = await runMain(
      experiment(async (ctx) => {
        ctx.manage(pool);
        controller.abort();
        ctx.signal.throwIfAborted();
        return Promise.resolve(outcome([]));
      }),
      controller.signal,
    );
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted');
    expect(pool.terminated).toBeGreaterThanOrEqual(1);
  });
});
