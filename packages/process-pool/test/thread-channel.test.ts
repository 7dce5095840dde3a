// The thread channel (thread-channel.ts) hears a worker's last messages before its exit, even when
// both reach the main thread in the same turn of its event loop (where the exit's notice is handled
// first). Linux only: the main thread waits, without its event loop, until the worker's thread is
// gone from /proc/self/status.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChannelMessage } from '../src/internal/worker-channel.js';
import { ThreadChannel } from '../src/internal/thread-channel.js';

const STATUS = '/proc/self/status';
const threads = (): number => Number(/^Threads:\s+(\d+)/m.exec(readFileSync(STATUS, 'utf8'))![1]);

describe.runIf(existsSync(STATUS))('ThreadChannel', () => {
  it('delivers the messages a worker posted before it exited, then reports the exit', async () => {
    const before = threads();
    const heard: string[] = [];
    const channel = new ThreadChannel({
      kind: 'thread',
      runtime: new URL('./fixtures/replies-then-exit.mjs', import.meta.url),
      execArgv: undefined,
      execPath: undefined,
      env: undefined,
      cwd: undefined,
      resourceLimits: undefined,
    });
    channel.onMessage((message: ChannelMessage) => {
      if (message.t === 'done') heard.push(`done ${String(message.r[0])}`);
    });
    const exited = new Promise<void>((resolve) => {
      channel.onExit((info) => {
        heard.push(`exit ${String(info.code)}`);
        resolve();
      });
    });
    // Hold the event loop until the thread has come and gone (bounded: a thread that never goes
    // is a failure below, not a hang).
    const deadline = Date.now() + 30_000;
    let started = false;
    while (Date.now() < deadline) {
      const now = threads();
      if (now > before) started = true;
      else if (started) break;
    }
    expect(started).toBe(true);
    await exited;
    expect(heard).toEqual(['done 1', 'done 2', 'done 3', 'exit 0']);
  });
});
