// The Redis event-stream reader on a scripted client (no Redis): entries of events the executor
// does not act on are skipped unparsed (a bad one among them ends nothing), and a read that brought
// a burst's worth of entries is followed by the next one only after a short pause (fake timers: no
// wall clock), while a read that brought few is followed at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUSY_ENTRIES, BUSY_PAUSE_MS, EventReader } from '../src/internal/event-reader.js';
import type { MalformedEvent, StreamClient, StreamEvent } from '../src/internal/event-reader.js';

type Entry = [string, string[]];

/** Answers each XREAD with the next scripted batch; with none left, blocks until disconnected. */
function scripted(batches: Entry[][]): StreamClient & { reads: string[] } {
  let cut: ((error: Error) => void) | undefined;
  const reads: string[] = [];
  return {
    reads,
    xread: (...args) => {
      reads.push(String(args.at(-1)));
      const next = batches.shift();
      if (next !== undefined) return Promise.resolve([['events', next]]);
      return new Promise((_, reject) => (cut = reject));
    },
    disconnect: () => cut?.(new Error('disconnected')),
  };
}

function entry(id: string, ...fields: string[]): Entry {
  return [id, fields];
}

/** `BUSY_ENTRIES` 'active' entries (a burst's worth), ids from `first`. */
function busyEntries(first: number): Entry[] {
  return Array.from({ length: BUSY_ENTRIES }, (_, i) =>
    entry(`${i + first}-0`, 'event', 'active', 'jobId', `j${i}`),
  );
}

/** A reader of every event on `client`, from the stream's start, that ignores what it reads. */
function quietReader(client: StreamClient): EventReader {
  return new EventReader({
    client,
    key: 'events',
    from: '0-0',
    onEvent: () => undefined,
    onMalformed: () => undefined,
    onError: () => undefined,
  });
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('EventReader', () => {
  it('delivers only the events asked for, parsed, and reads on past the others', async () => {
    const events: StreamEvent[] = [];
    const malformed: MalformedEvent[] = [];
    const client = scripted([
      [
        entry('1-0', 'event', 'added', 'jobId', 'a', 'name', 'x'),
        entry('2-0', 'event', 'active', 'jobId', 'a', 'prev', 'waiting'),
        entry('3-0', 'event', 'completed', 'jobId', 'a', 'returnvalue', '{"v":1}'),
        entry('4-0', 'event', 'waiting', 'jobId', 'b', 'odd'),
        entry('5-0', 'event', 'completed', 'jobId', 'b', 'returnvalue', '{not json'),
        entry('6-0', 'event', 'progress', 'jobId', 'c', 'data', '[1,2]'),
        entry('7-0', 'event', 'failed', 'jobId', 'd', 'failedReason', 'boom'),
      ],
    ]);
    const reader = new EventReader({
      client,
      key: 'events',
      from: '0-0',
      events: ['completed', 'progress', 'failed'],
      onEvent: (event) => events.push(event),
      onMalformed: (event) => malformed.push(event),
      onError: () => undefined,
    });
    await flush();
    expect(events).toEqual([
      { id: '3-0', event: 'completed', jobId: 'a', returnvalue: { v: 1 } },
      { id: '6-0', event: 'progress', jobId: 'c', data: [1, 2] },
      { id: '7-0', event: 'failed', jobId: 'd', failedReason: 'boom' },
    ]);
    // An entry without a field/value list is malformed whatever its event; bad JSON in an event
    // asked for is too. Neither stops the reader.
    expect(malformed.map((m) => [m.id, m.jobId])).toEqual([
      ['4-0', 'b'],
      ['5-0', 'b'],
    ]);
    expect(reader.lastId).toBe('7-0');
    expect(client.reads).toEqual(['0-0', '7-0']);
    await reader.close();
  });

  it('delivers every event when no list is given', async () => {
    const names: string[] = [];
    const client = scripted([[entry('1-0', 'event', 'added', 'jobId', 'a')]]);
    const reader = new EventReader({
      client,
      key: 'events',
      from: '0-0',
      onEvent: (event) => names.push(event.event),
      onMalformed: () => undefined,
      onError: () => undefined,
    });
    await flush();
    expect(names).toEqual(['added']);
    await reader.close();
  });

  it('pauses before the next read after a busy one, not after a quiet one', async () => {
    vi.useFakeTimers();
    const client = scripted([[entry('1-0', 'event', 'active', 'jobId', 'a')], busyEntries(2)]);
    const reader = quietReader(client);
    await flush();
    // The quiet read (one entry) was followed at once; the busy one was not.
    expect(client.reads).toEqual(['0-0', '1-0']);
    await flush();
    expect(client.reads).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(BUSY_PAUSE_MS);
    expect(client.reads).toEqual(['0-0', '1-0', `${BUSY_ENTRIES + 1}-0`]);
    await reader.close();
  });

  it('closes during the pause', async () => {
    vi.useFakeTimers();
    const client = scripted([busyEntries(1)]);
    const reader = quietReader(client);
    await flush();
    await reader.close();
    expect(client.reads).toEqual(['0-0']);
  });
});
