import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  diskFiles,
  httpRequests,
  timers,
  WorkloadAbortedError,
  type IoResult,
} from '@weft/workloads';
import { expectSplitInvariant, until } from './helpers.js';

function openServers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

describe('httpRequests', () => {
  // Every test must leave no listening server behind. The handle is released in libuv's close
  // phase a turn or two after close(), hence the wait (bounded by the hook's timeout).
  afterEach(async () => {
    await until(() => openServers() === 0);
  });

  it('checks every body at the small size and closes its server', async () => {
    const result = await httpRequests.run(httpRequests.sizes.small);
    expect(result).toMatchObject({ items: 50, bytes: 50 * 1024 });
    expect(httpRequests.verify(result, httpRequests.sizes.small).ok).toBe(true);
    await until(() => openServers() === 0);
  });

  it('gives the same checksum for 1, 2 and 3 parts', async () => {
    await expectSplitInvariant(
      httpRequests,
      httpRequests.validate({ requests: 12, concurrency: 4, delayMs: 0, bodyBytes: 333 }),
      [1, 2, 3],
    );
  });

  it('rejects with WorkloadAbortedError when aborted mid-run, and still closes the server', async () => {
    const controller = new AbortController();
    const run = httpRequests.run(
      httpRequests.validate({ requests: 20, concurrency: 2, delayMs: 60_000 }),
      {
        signal: controller.signal,
      },
    );
    controller.abort(new Error('enough'));
    await expect(run).rejects.toBeInstanceOf(WorkloadAbortedError);
    await until(() => openServers() === 0);
  });

  it('flags a wrong checksum', () => {
    const params = httpRequests.validate({ requests: 2, bodyBytes: 10 });
    const wrong: IoResult = { range: { start: 0, end: 2 }, items: 2, bytes: 20, checksum: 1 };
    expect(httpRequests.verify(wrong, params).ok).toBe(false);
  });
});

describe('diskFiles', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'weft-disk-test-'));
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('writes with fsync, reads back, checks, and removes its folder', async () => {
    const params = diskFiles.validate({ ...diskFiles.sizes.small, directory: parent });
    const result = await diskFiles.run(params);
    expect(result).toMatchObject({ items: 8, bytes: 8 * 65_536 });
    expect(diskFiles.verify(result, params).ok).toBe(true);
    expect(await readdir(parent)).toEqual([]);
  });

  it('gives the same checksum for 1, 2 and 3 parts', async () => {
    await expectSplitInvariant(
      diskFiles,
      diskFiles.validate({ files: 5, fileBytes: 1000, fsync: false, directory: parent }),
      [1, 2, 3],
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it('removes its folder when aborted', async () => {
    const controller = new AbortController();
    const run = diskFiles.run(
      diskFiles.validate({ files: 50, fileBytes: 4096, directory: parent }),
      {
        signal: controller.signal,
      },
    );
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'ERR_WEFT_WORKLOAD_ABORTED' });
    expect(await readdir(parent)).toEqual([]);
  });

  it('removes its folder, files and all, when aborted half-way', async () => {
    const controller = new AbortController();
    const run = diskFiles.run(
      diskFiles.validate({ files: 2000, fileBytes: 512, concurrency: 1, directory: parent }),
      {
        signal: controller.signal,
      },
    );
    await until(() =>
      readdirSync(parent).some((folder) => readdirSync(join(parent, folder)).length > 0),
    );
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(WorkloadAbortedError);
    expect(await readdir(parent)).toEqual([]);
  });

  it('passes file-system errors through', async () => {
    await expect(
      diskFiles.run(diskFiles.validate({ files: 2, directory: join(parent, 'missing') })),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(parent)).toEqual([]);
  });
});

describe('timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps at most `concurrency` waits in progress', async () => {
    vi.useFakeTimers();
    const run = timers.run(timers.validate({ waits: 10, delayMs: 1000, concurrency: 4 }));
    let settled = false;
    void run.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(vi.getTimerCount()).toBe(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(2);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(settled).toBe(true);
    expect(
      timers.verify(await run, timers.validate({ waits: 10, delayMs: 1000, concurrency: 4 })).ok,
    ).toBe(true);
  });

  it('gives the same checksum for 1, 2 and 3 parts', async () => {
    await expectSplitInvariant(
      timers,
      timers.validate({ waits: 7, delayMs: 0, concurrency: 3 }),
      [1, 2, 3],
    );
  });

  it('clears its timers when aborted', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const run = timers.run(timers.validate({ waits: 10, delayMs: 1000, concurrency: 4 }), {
      signal: controller.signal,
    });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(WorkloadAbortedError);
    expect(vi.getTimerCount()).toBe(0);
  });
});
