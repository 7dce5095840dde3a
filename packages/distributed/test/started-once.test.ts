// A call's start can reach the executor twice: read back from the store (after a reconnect, or by
// the sweep) and then as its progress event, in either order. Each attempt is published as
// job:started once. (On the real stores the two paths race; here each is driven by hand.)
import { describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import type { DistributedEvent } from '../src/index.js';
import type { Call } from '../src/internal/call-state.js';
import { ExecutorCore } from '../src/internal/executor-core.js';
import { ResultHandler } from '../src/internal/executor-results.js';
import type { WireStart } from '../src/internal/wire.js';

function start(attempt: number): WireStart {
  return { ev: 'started', time: Date.now(), attempt, host: 'h', worker: 'w', hostPid: 1 };
}

function setup() {
  const core = new ExecutorCore('q', undefined, 'postgres');
  let stored: WireStart | undefined;
  core.bull = {
    // The job as the store holds it: running, its latest start report as its progress.
    getJob: () => Promise.resolve({ progress: { weft: stored }, finishedOn: undefined }),
  } as unknown as Queue;
  const events: DistributedEvent[] = [];
  core.subscribe((event) => events.push(event));
  const results = new ResultHandler(core, () => undefined);
  const call: Call = {
    state: 'queued',
    jobId: 'j1',
    task: 'm#f',
    data: { weft: 1, module: 'm', export: 'f', args: '' },
    retry: { attempts: 3 },
    options: {},
    resolve: () => undefined,
    reject: () => undefined,
    inCallerContext: (fn) => fn(),
    since: '0',
    started: undefined,
    lastSettle: undefined,
    added: true,
    detach: () => undefined,
  };
  core.calls.set('j1', call);
  const report = (info: WireStart): void => {
    stored = info;
  };
  const asEvent = (info: WireStart): void =>
    results.event({ kind: 'progress', position: '1', jobId: 'j1', data: { weft: info } });
  const readBack = (): Promise<void> => results.reconcile([call]);
  const attempts = (): number[] =>
    events.flatMap((e) => (e.type === 'job:started' ? [e.attempt] : []));
  return { report, asEvent, readBack, attempts };
}

describe('job:started', () => {
  it('is published once when the start is read back before its event arrives', async () => {
    const { report, asEvent, readBack, attempts } = setup();
    report(start(1));
    await readBack();
    asEvent(start(1));
    expect(attempts()).toEqual([1]);
  });

  it('is published once when the event comes first and the start is read back after', async () => {
    const { report, asEvent, readBack, attempts } = setup();
    report(start(1));
    asEvent(start(1));
    await readBack();
    expect(attempts()).toEqual([1]);
  });

  it('is published again for a later attempt, and not for an older one arriving late', async () => {
    const { report, asEvent, readBack, attempts } = setup();
    report(start(1));
    asEvent(start(1));
    report(start(2));
    await readBack();
    asEvent(start(2));
    asEvent(start(1));
    expect(attempts()).toEqual([1, 2]);
  });
});
