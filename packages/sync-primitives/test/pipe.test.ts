// Pipe and Connection: Python's multiprocessing.Pipe semantics, across real worker threads.
import { describe, expect, it } from 'vitest';
import {
  Connection,
  InvalidArgumentError,
  InvalidHandleError,
  ItemNotSerializableError,
  Pipe,
  PipeClosedError,
  PipeTimeoutError,
  WaitAbortedError,
  isSharedPrimitive,
  reviveShared,
} from '@weft/sync-primitives';
import { startWorker, untilCount } from './helpers.js';

const FIXTURE = new URL('./fixtures/queue-worker.mjs', import.meta.url);
const run = (data: Record<string, unknown>) => startWorker(data, FIXTURE);

describe('Pipe', () => {
  it('refuses bad options', () => {
    expect(() => Pipe({ duplex: 'yes' as never })).toThrow(InvalidArgumentError);
    expect(() => Pipe({ capacityBytes: 4 })).toThrow(InvalidArgumentError);
  });

  it('duplex (default): both ends send and receive, in order', () => {
    const [a, b] = Pipe<string>();
    expect([a.readable, a.writable, b.readable, b.writable]).toEqual([true, true, true, true]);
    a.send('to b 1');
    a.send('to b 2');
    b.send('to a');
    expect(b.recv()).toBe('to b 1');
    expect(b.recv()).toBe('to b 2');
    expect(a.recv()).toBe('to a');
  });

  it('one-way: the first end only receives, the second only sends', () => {
    const [reader, writer] = Pipe<number>({ duplex: false });
    expect([reader.readable, reader.writable]).toEqual([true, false]);
    expect([writer.readable, writer.writable]).toEqual([false, true]);
    writer.send(1);
    expect(reader.recv()).toBe(1);
    expect(() => reader.send(2)).toThrow(PipeClosedError);
    expect(() => writer.recv()).toThrow(PipeClosedError);
    expect(() => writer.poll()).toThrow(PipeClosedError);
  });

  it('an end is a shared primitive that revives as the same end', () => {
    const [a, b] = Pipe<string>();
    expect(isSharedPrimitive(a)).toBe(true);
    const twin = reviveShared(structuredClone(b.toHandle())) as Connection<string>;
    expect(twin).toBeInstanceOf(Connection);
    a.send('x');
    expect(twin.recv()).toBe('x');
    expect(() =>
      Connection.from({
        kind: 'weft.sync',
        type: 'Connection',
        buffer: new SharedArrayBuffer(64),
        byteOffset: 0,
        end: 0,
      }),
    ).toThrow(InvalidHandleError);
    expect(() => Connection.from({ ...a.toHandle(), end: 2 })).toThrow(InvalidHandleError);
  });

  describe('poll()', () => {
    it('is false with nothing to receive, true once a message is there', () => {
      const [a, b] = Pipe();
      expect(b.poll()).toBe(false);
      expect(b.poll(5)).toBe(false);
      a.send({ n: 1 });
      expect(b.poll()).toBe(true);
      expect(b.recv()).toEqual({ n: 1 });
      expect(b.poll()).toBe(false);
    });

    it('is true when the other end is closed (recv would not block)', () => {
      const [a, b] = Pipe();
      a.close();
      expect(b.poll()).toBe(true);
    });

    it('wakes in a worker thread blocked in poll(Infinity) when a message is sent', async () => {
      const [a, b] = Pipe<string>();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const poller = run({ scenario: 'pollThenRecv', end: b.toHandle(), cells: cells.buffer });
      await untilCount(cells, 1);
      a.send('wake');
      await expect(poller.result).resolves.toEqual({ ready: true, value: 'wake' });
    });
  });

  describe('recv()', () => {
    it('throws PipeTimeoutError when nothing arrives within the timeout', async () => {
      const [, b] = Pipe();
      try {
        b.recv({ timeout: 5 });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(PipeTimeoutError);
        expect((error as PipeTimeoutError).code).toBe('ERR_WEFT_PIPE_TIMEOUT');
      }
      await expect(b.recvAsync({ timeout: 5 })).rejects.toBeInstanceOf(PipeTimeoutError);
    });

    it('recvAsync() aborts with WaitAbortedError and leaves the next message to a live receiver', async () => {
      const [a, b] = Pipe<number>();
      const controller = new AbortController();
      const ghost = b.recvAsync({ signal: controller.signal });
      controller.abort('no');
      const error = await ghost.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitAbortedError);
      expect((error as WaitAbortedError).cause).toBe('no');
      const live = b.recvAsync();
      a.send(42);
      await expect(live).resolves.toBe(42);
    });
  });

  describe('close()', () => {
    it('the other end receives what was sent, then PipeClosedError', async () => {
      const [a, b] = Pipe<string>();
      a.send('last words');
      a.close();
      expect(a.closed).toBe(true);
      expect(b.closed).toBe(false);
      expect(b.recv()).toBe('last words');
      try {
        b.recv();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(PipeClosedError);
        expect((error as PipeClosedError).code).toBe('ERR_WEFT_PIPE_CLOSED');
      }
      await expect(b.recvAsync()).rejects.toBeInstanceOf(PipeClosedError);
      expect(() => b.send('to nobody')).toThrow(PipeClosedError);
    });

    it('every later call on the closed end throws PipeClosedError', () => {
      const [a, b] = Pipe();
      b.send('unread');
      a.close();
      a.close(); // idempotent
      expect(() => a.send(1)).toThrow(PipeClosedError);
      expect(() => a.recv()).toThrow(PipeClosedError);
      expect(() => a.poll()).toThrow(PipeClosedError);
    });

    it('wakes a receiver blocked in another thread', async () => {
      const [a, b] = Pipe();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const receiver = run({ scenario: 'recvUntilClosed', end: b.toHandle(), cells: cells.buffer });
      await untilCount(cells, 1);
      a.close();
      await expect(receiver.result).resolves.toBe('ERR_WEFT_PIPE_CLOSED');
    });
  });

  describe('across threads', () => {
    it('a worker echoes many messages back, in order (sync and async receivers)', async () => {
      for (const async of [false, true]) {
        const [mine, theirs] = Pipe<string>({ capacityBytes: 256 });
        const echo = run({ scenario: 'echo', end: theirs.toHandle(), async });
        for (let i = 0; i < 300; i++) {
          mine.send(`message ${i}`);
          expect(await mine.recvAsync()).toBe(`MESSAGE ${i}`);
        }
        mine.send('stop');
        await expect(echo.result).resolves.toEqual({ n: 300, closed: false });
      }
    });

    it('messages larger than the ring pass whole through a one-way pipe, then EOF', async () => {
      const [reader, writer] = Pipe<{ producer: number; i: number; bytes: Uint8Array }>({
        duplex: false,
        capacityBytes: 1024,
      });
      const sender = run({ scenario: 'sendMany', end: writer.toHandle(), count: 5, size: 40_000 });
      for (let i = 0; i < 5; i++) {
        const message = await reader.recvAsync();
        expect(message.i).toBe(i);
        expect(message.bytes.length).toBe(40_000);
        expect(message.bytes.every((byte) => byte === i)).toBe(true);
      }
      await expect(reader.recvAsync()).rejects.toBeInstanceOf(PipeClosedError);
      await expect(sender.result).resolves.toBe('sent');
    });
  });

  it('refuses an unserializable message at send, leaving nothing behind', () => {
    const [a, b] = Pipe<unknown>();
    try {
      a.send({ callback: () => 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ItemNotSerializableError);
      expect((error as ItemNotSerializableError).itemType).toBe('Object');
    }
    expect(b.poll()).toBe(false);
    a.send('fine');
    expect(b.recv()).toBe('fine');
  });
});
