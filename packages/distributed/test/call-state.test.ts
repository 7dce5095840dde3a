// The call state table: a settled call stays settled whatever arrives late, a live one can take
// a retry (back to submitting), and only a confirmed job counts as being in Redis.
import { describe, expect, it } from 'vitest';
import { CALL_MOVES, isInRedis, isLive, moveTo } from '../src/internal/call-state.js';
import type { Call, CallState } from '../src/internal/call-state.js';

function call(state: CallState, added = false): Call {
  return {
    state,
    jobId: 'j1',
    task: 'm#f',
    data: { weft: 1, module: 'm', export: 'f', args: '' },
    retry: { attempts: 1 },
    options: {},
    resolve: () => undefined,
    reject: () => undefined,
    inCallerContext: (fn) => fn(),
    since: '0-0',
    started: undefined,
    lastSettle: undefined,
    added,
    detach: () => undefined,
  };
}

const FINAL: CallState[] = ['settled', 'cancelled', 'lost', 'closed'];

describe('call state', () => {
  it('leaves a final state for nothing', () => {
    for (const from of FINAL) {
      for (const to of Object.keys(CALL_MOVES) as CallState[]) {
        const c = call(from, true);
        expect(moveTo(c, to)).toBe(false);
        expect(c.state).toBe(from);
        expect(isLive(c)).toBe(false);
        expect(isInRedis(c)).toBe(false);
      }
    }
  });

  it('moves a live call through start, retry and settle', () => {
    const c = call('submitting');
    expect(isInRedis(c)).toBe(false);
    expect(moveTo(c, 'running')).toBe(true); // a start may come before the add is confirmed
    c.added = true;
    expect(isInRedis(c)).toBe(true);
    expect(moveTo(c, 'submitting')).toBe(true); // a caller-run retry
    expect(moveTo(c, 'queued')).toBe(true);
    expect(moveTo(c, 'settled')).toBe(true);
    expect(moveTo(c, 'running')).toBe(false);
    expect(c.state).toBe('settled');
  });

  it('never moves back to queued once running', () => {
    const c = call('running', true);
    expect(moveTo(c, 'queued')).toBe(false);
    expect(c.state).toBe('running');
  });
});
