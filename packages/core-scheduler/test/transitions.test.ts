// The task-state transition check (src/internal/task-record.ts) agrees with its table for every
// pair of states, and a move the table does not list throws.
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  Tally,
  type TaskRecord,
  type TaskState,
  transition,
  TRANSITIONS,
} from '../src/internal/task-record.js';

const STATES = Object.keys(TRANSITIONS) as TaskState[];

describe('task state transitions', () => {
  it('allows exactly the moves TRANSITIONS lists', () => {
    for (const from of STATES)
      for (const to of STATES)
        expect([from, to, canTransition(from, to)]).toEqual([
          from,
          to,
          TRANSITIONS[from].includes(to),
        ]);
  });

  it('counts an allowed move and throws on one the table does not list', () => {
    const tally = new Tally();
    const record = { id: 1, state: 'queued' } as unknown as TaskRecord;
    tally.queued = 1;
    transition(record, 'done', tally);
    expect(record.state).toBe('done');
    expect([tally.queued, tally.done]).toEqual([0, 1]);
    expect(() => transition(record, 'queued', tally)).toThrow(/cannot go done → queued/);
  });
});
