// Ring: the shared byte ring under Queue, JoinableQueue and Connection. Items travel as
// `node:v8`-serialized bytes cut into 8-byte-aligned frames ([payload length, flags] + payload):
// a small item is one FIRST|LAST frame, an item larger than the free space is several frames that
// the writer publishes as readers free room, so items of any size pass through a ring of any size.
//
// One futex lock per side (the three-state lock of futex.ts, so a dead holder can be released by
// markOwnerDead): the write lock keeps the frames of two items from interleaving, the read lock
// gives one reader a whole item (held while it reads, not while it waits for one to start). The
// bytes go single-producer/single-consumer between the two lock holders: the writer publishes by
// storing WRITE, the reader frees by storing READ (Lamport's SPSC ring). Sleepers park on eventcount words (R_SIG, W_SIG) that the other side bumps only when
// a sleeper is registered, so the uncontended path costs no notify.
//
// Nothing partial is ever delivered: a reader assembles frames privately and returns only at a
// LAST frame. A writer that gives up mid-item (timeout, abort, close) or dies mid-item (then
// markOwnerDead does it) publishes an ABORT frame, for which SLACK bytes are always kept free;
// a reader drops what it had assembled when it meets ABORT, or a FIRST frame, and skips frames
// that continue an item it never saw the start of (left by a reader that died mid-item).
import {
  ABANDONED,
  OWNER,
  STATE,
  lockSlow,
  markDead,
  spinLock,
  takeAbandoned,
  unlock,
  type Fairness,
} from './futex.js';
import type { ParkResult, Slow } from './park.js';
import { trackLock } from './tracking.js';

// Header words; the writer's and the reader's hot words sit on separate 64-byte lines.
const W_LOCK = 0; // 4 words: futex core of the write side
const WRITE = 4; // published end, a byte position modulo 2 × capacity
const R_WAITERS = 5; // readers and pollers registered to sleep on R_SIG
const R_SIG = 6; // bumped when data lands, a writer leaves after close, or the ring closes
const W_PARTIAL = 7; // 1 while the write-lock holder has published part of an item
const R_LOCK = 16; // 4 words: futex core of the read side
const READ = 20; // consumed end
const W_WAITERS = 21; // writers registered to sleep on W_SIG
const W_SIG = 22; // bumped when room frees or the ring closes
const ITEMS = 32; // complete items not yet fully read
const CLOSED = 33;
const MAXSIZE = 34;
const CAPACITY = 35;
const UNFINISHED = 36; // JoinableQueue: items put and not yet taskDone()
const JOINABLE = 37;

/** Bytes of a ring's header; the data bytes follow it. */
export const RING_HEADER_BYTES = 192;
/** Smallest ring: a frame header, eight payload bytes and the ABORT slack, with room to spare. */
export const MIN_CAPACITY = 64;
/** Largest ring: positions run modulo 2 × capacity in an Int32. */
export const MAX_CAPACITY: number = 2 ** 29;

const FIRST = 1;
const LAST = 2;
const ABORT = 4;
const FRAME = 8;
const SLACK = 8;
/** Loads of WRITE before a reader parks (as the Mutex spins); longer spins lost on a busy 2-core box. */
const READ_SPIN = 100;

export type WriteOutcome = 'ok' | 'full' | 'closed';
/** What read() returns when there was no item. */
export const EMPTY: unique symbol = Symbol('empty');
export const CLOSED_RING: unique symbol = Symbol('closed');
/** Turns an item's bytes, `bytes[start, end)`, into the item; runs before the bytes are freed. */
export type Decoder = (bytes: Buffer, start: number, end: number) => unknown;
/** Copies below this many bytes go byte by byte: cheaper than a subarray + set. */
const SMALL_COPY = 128;

function pad8(n: number): number {
  return (n + 7) & ~7;
}

function spinWhile(i32: Int32Array, index: number, value: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (Atomics.load(i32, index) !== value) return true;
  return false;
}

export class Ring {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly capacity: number;
  readonly maxsize: number;
  readonly #h: Int32Array;
  readonly #wl: Int32Array;
  readonly #rl: Int32Array;
  readonly #d32: Int32Array;
  readonly #u8: Buffer;
  readonly #span: number;
  readonly #wfair: Fairness = { next: 0 };
  readonly #rfair: Fairness = { next: 0 };

  /** Bytes a ring of `capacity` data bytes occupies. */
  static byteLength(capacity: number): number {
    return RING_HEADER_BYTES + capacity;
  }

  /** Write the header of a fresh (zero-filled) ring. */
  static init(
    buffer: SharedArrayBuffer,
    byteOffset: number,
    capacity: number,
    maxsize: number,
  ): void {
    const h = new Int32Array(buffer, byteOffset, RING_HEADER_BYTES / 4);
    h[CAPACITY] = capacity;
    h[MAXSIZE] = maxsize;
  }

  /** The capacity recorded in a ring's header, or a reason it is not a ring. */
  static capacityAt(buffer: SharedArrayBuffer, byteOffset: number): number | string {
    if (byteOffset + RING_HEADER_BYTES > buffer.byteLength) return 'the buffer is too small';
    const capacity = new Int32Array(buffer, byteOffset, RING_HEADER_BYTES / 4)[CAPACITY]!;
    if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || capacity % 8 !== 0)
      return `its header records no valid capacity (${capacity})`;
    if (byteOffset + Ring.byteLength(capacity) > buffer.byteLength)
      return `the buffer is too small for its ${capacity}-byte ring`;
    return capacity;
  }

  /** View an initialised ring; check it first with {@link Ring.capacityAt}. */
  constructor(buffer: SharedArrayBuffer, byteOffset: number) {
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.#h = new Int32Array(buffer, byteOffset, RING_HEADER_BYTES / 4);
    this.capacity = this.#h[CAPACITY]!;
    this.maxsize = this.#h[MAXSIZE]!;
    this.#span = 2 * this.capacity;
    this.#wl = new Int32Array(buffer, byteOffset + W_LOCK * 4, 4);
    this.#rl = new Int32Array(buffer, byteOffset + R_LOCK * 4, 4);
    this.#d32 = new Int32Array(buffer, byteOffset + RING_HEADER_BYTES, this.capacity / 4);
    this.#u8 = Buffer.from(buffer, byteOffset + RING_HEADER_BYTES, this.capacity);
    trackLock(this, Ring.#markDead);
  }

  get joinable(): boolean {
    return this.#h[JOINABLE] === 1;
  }

  /** Make a fresh ring count unfinished tasks (before it is shared). */
  makeJoinable(): void {
    this.#h[JOINABLE] = 1;
  }

  items(): number {
    return Math.max(0, Atomics.load(this.#h, ITEMS));
  }

  closed(): boolean {
    return Atomics.load(this.#h, CLOSED) !== 0;
  }

  close(): void {
    if (Atomics.exchange(this.#h, CLOSED, 1) !== 0) return;
    this.#wakeReaders();
    this.#wakeWriters();
  }

  /**
   * Put one serialized item. `fits` (non-blocking puts) refuses an item that does not fit in the
   * free bytes at once rather than start a multi-frame write it would have to abandon.
   */
  *write(bytes: Uint8Array, fits: boolean): Slow<WriteOutcome> {
    const wl = this.#wl;
    if (!spinLock(wl) && !(yield* lockSlow(wl))) return 'full';
    if (wl[ABANDONED] !== 0) takeAbandoned(wl);
    const h = this.#h;
    let partial = false;
    try {
      for (;;) {
        const r = Atomics.load(h, READ);
        if (Atomics.load(h, CLOSED) !== 0) return 'closed';
        if (this.maxsize === 0 || Atomics.load(h, ITEMS) < this.maxsize) break;
        const woke = yield* this.#awaitRoom(r);
        if (woke !== 'ok') return woke === 'closed' ? 'closed' : 'full';
      }
      const total = bytes.length;
      let w = h[WRITE]!;
      if (fits && total > this.#avail(w, Atomics.load(h, READ))) return 'full';
      let off = 0;
      for (;;) {
        const r = Atomics.load(h, READ);
        const avail = this.#avail(w, r);
        if (avail < 8) {
          const woke = yield* this.#awaitRoom(r);
          if (woke === 'ok') continue;
          if (partial) this.#abandon();
          partial = false;
          return woke === 'closed' ? 'closed' : 'full';
        }
        const n = Math.min(total - off, avail);
        const last = off + n === total;
        this.#frame(w, n, (off === 0 ? FIRST : 0) | (last ? LAST : 0), bytes, off);
        if (last) {
          // Counted before the LAST frame is visible, so a get never sees ITEMS below zero and a
          // taskDone() right after a get never finds UNFINISHED at zero.
          Atomics.add(h, ITEMS, 1);
          if (h[JOINABLE] === 1) Atomics.add(h, UNFINISHED, 1);
          h[W_PARTIAL] = 0;
        } else {
          h[W_PARTIAL] = 1;
        }
        partial = !last;
        w = (w + FRAME + pad8(n)) % this.#span;
        Atomics.store(h, WRITE, w);
        if (Atomics.load(h, R_WAITERS) !== 0) this.#wakeReaders();
        off += n;
        if (last) return 'ok';
      }
    } catch (error) {
      // An abort thrown into the generator while it waited for room mid-item.
      if (partial) this.#abandon();
      throw error;
    } finally {
      unlock(wl, this.#wfair);
      if (Atomics.load(h, CLOSED) !== 0) this.#wakeReaders();
    }
  }

  /**
   * Take one whole item and decode it (in place when it is one frame that does not wrap). `once`
   * (non-blocking gets) looks only at complete items. A reader holds the read side while it reads,
   * not while it waits for an item to start. Once the first frame of an item is taken, the reader
   * waits for the rest without deadline or abort: giving up would lose the item, and the writer
   * either finishes it or publishes ABORT.
   */
  *read(once: boolean, decode: Decoder): Slow<unknown> {
    const rl = this.#rl;
    const h = this.#h;
    const cap = this.capacity;
    let locked = false;
    try {
      for (;;) {
        if (!spinLock(rl) && !(yield* lockSlow(rl))) return EMPTY;
        locked = true;
        if (rl[ABANDONED] !== 0) takeAbandoned(rl);
        let r = h[READ]!;
        if (once && Atomics.load(h, ITEMS) <= 0) return this.#drained(r) ? CLOSED_RING : EMPTY;
        let parts: Buffer[] | undefined;
        let size = 0;
        for (;;) {
          if (Atomics.load(h, WRITE) !== r) {
            const i = (r % cap) >> 2;
            const n = this.#d32[i]!;
            const flags = this.#d32[i + 1]!;
            const p = (r + FRAME) % cap;
            let value: unknown = EMPTY;
            if ((flags & ABORT) !== 0) {
              parts = undefined;
            } else if ((flags & (FIRST | LAST)) === (FIRST | LAST) && p + n <= cap) {
              value = decode(this.#u8, p, p + n); // whole and contiguous: no copy
              parts = undefined;
            } else {
              if ((flags & FIRST) !== 0) {
                parts = [];
                size = 0;
              }
              if (parts !== undefined) {
                parts.push(this.#copy(p, n));
                size += n;
              }
            }
            r = (r + FRAME + pad8(n)) % this.#span;
            if ((flags & LAST) !== 0) Atomics.sub(h, ITEMS, 1);
            Atomics.store(h, READ, r);
            if (Atomics.load(h, W_WAITERS) !== 0) this.#wakeWriters();
            if (value !== EMPTY) return value;
            if ((flags & LAST) !== 0 && parts !== undefined) {
              const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
              return decode(whole, 0, size);
            }
            continue;
          }
          if (parts !== undefined) {
            // Mid-item: the item is ours, keep the read side and wait for the rest.
            if (!spinWhile(h, WRITE, r, READ_SPIN)) yield* this.#awaitData(r, true);
            continue;
          }
          if (this.#drained(r)) return CLOSED_RING;
          if (once) return EMPTY;
          if (spinWhile(h, WRITE, r, READ_SPIN)) continue;
          // Idle: let go of the read side while parked, so that a reader that dies (or is
          // terminated) while waiting for an item does not wedge the queue for the others.
          unlock(rl, this.#rfair);
          locked = false;
          if ((yield* this.#awaitData(r, false)) === 'timed-out') return EMPTY;
          break;
        }
      }
    } finally {
      if (locked) unlock(rl, this.#rfair);
    }
  }

  /** Wait until a complete item is there or the ring is closed and drained (recv won't block). */
  *poll(): Slow<boolean> {
    const h = this.#h;
    for (;;) {
      if (this.#readable()) return true;
      Atomics.add(h, R_WAITERS, 1);
      let result: ParkResult;
      try {
        const sig = Atomics.load(h, R_SIG);
        if (this.#readable()) return true;
        result = yield { i32: h, index: R_SIG, expected: sig };
      } finally {
        Atomics.sub(h, R_WAITERS, 1);
      }
      if (result === 'timed-out') return this.#readable();
    }
  }

  unfinished(): number {
    return Atomics.load(this.#h, UNFINISHED);
  }

  /** One task done; false (and no change) when none is unfinished. */
  taskDone(): boolean {
    const h = this.#h;
    for (;;) {
      const v = Atomics.load(h, UNFINISHED);
      if (v <= 0) return false;
      if (Atomics.compareExchange(h, UNFINISHED, v, v - 1) === v) {
        if (v === 1) Atomics.notify(h, UNFINISHED);
        return true;
      }
    }
  }

  /** Wait until every put item is taskDone(); false on timeout. */
  *join(): Slow<boolean> {
    const h = this.#h;
    for (;;) {
      const v = Atomics.load(h, UNFINISHED);
      if (v <= 0) return true;
      if ((yield { i32: h, index: UNFINISHED, expected: v }) === 'timed-out')
        return Atomics.load(h, UNFINISHED) <= 0;
    }
  }

  #readable(): boolean {
    const h = this.#h;
    return (
      Atomics.load(h, ITEMS) > 0 ||
      (Atomics.load(h, CLOSED) !== 0 && Atomics.load(this.#wl, STATE) === 0)
    );
  }

  /** Closed, no writer in the middle of a put, and nothing left to read. */
  #drained(r: number): boolean {
    const h = this.#h;
    return (
      Atomics.load(h, CLOSED) !== 0 &&
      Atomics.load(this.#wl, STATE) === 0 &&
      Atomics.load(h, WRITE) === r
    );
  }

  /** Payload bytes one frame written at `w` may carry now, keeping SLACK free. */
  #avail(w: number, r: number): number {
    const used = (w - r + this.#span) % this.#span;
    return this.capacity - used - SLACK - FRAME;
  }

  *#awaitRoom(r: number): Slow<ParkResult | 'closed'> {
    const h = this.#h;
    Atomics.add(h, W_WAITERS, 1);
    try {
      const sig = Atomics.load(h, W_SIG);
      if (Atomics.load(h, CLOSED) !== 0) return 'closed';
      if (Atomics.load(h, READ) !== r) return 'ok';
      const result = yield { i32: h, index: W_SIG, expected: sig };
      return result === 'timed-out' ? result : 'ok';
    } finally {
      Atomics.sub(h, W_WAITERS, 1);
    }
  }

  *#awaitData(r: number, midItem: boolean): Slow<ParkResult> {
    const h = this.#h;
    Atomics.add(h, R_WAITERS, 1);
    try {
      const sig = Atomics.load(h, R_SIG);
      if (Atomics.load(h, WRITE) !== r || (!midItem && this.#drained(r))) return 'ok';
      return yield { i32: h, index: R_SIG, expected: sig, untimed: midItem };
    } finally {
      Atomics.sub(h, R_WAITERS, 1);
    }
  }

  #wakeReaders(): void {
    Atomics.add(this.#h, R_SIG, 1);
    Atomics.notify(this.#h, R_SIG);
  }

  #wakeWriters(): void {
    Atomics.add(this.#h, W_SIG, 1);
    Atomics.notify(this.#h, W_SIG);
  }

  #frame(w: number, n: number, flags: number, bytes: Uint8Array, off: number): void {
    const cap = this.capacity;
    const i = (w % cap) >> 2;
    this.#d32[i] = n;
    this.#d32[i + 1] = flags;
    const p = (w + FRAME) % cap;
    const u8 = this.#u8;
    if (n < SMALL_COPY && p + n <= cap) {
      for (let k = 0; k < n; k++) u8[p + k] = bytes[off + k]!;
      return;
    }
    const first = Math.min(n, cap - p);
    u8.set(bytes.subarray(off, off + first), p);
    if (first < n) u8.set(bytes.subarray(off + first, off + n), 0);
  }

  /** Copy `n` payload bytes starting at data offset `p`, wrapping at the end of the ring. */
  #copy(p: number, n: number): Buffer {
    const cap = this.capacity;
    const out = Buffer.allocUnsafe(n);
    const first = Math.min(n, cap - p);
    out.set(this.#u8.subarray(p, p + first));
    if (first < n) out.set(this.#u8.subarray(0, n - first), first);
    return out;
  }

  /** Withdraw the item being written: readers drop what they assembled of it. */
  #abandon(): void {
    const h = this.#h;
    const w = h[WRITE]!;
    const i = (w % this.capacity) >> 2;
    this.#d32[i] = 0;
    this.#d32[i + 1] = ABORT;
    h[W_PARTIAL] = 0;
    Atomics.store(h, WRITE, (w + FRAME) % this.#span);
    this.#wakeReaders();
  }

  /** markOwnerDead's step: release a side whose holder died; withdraw its half-written item. */
  static #markDead(ring: Ring, tag: number): boolean {
    let marked = false;
    const wl = ring.#wl;
    if (wl[OWNER] === tag && Atomics.load(wl, STATE) !== 0) {
      if (ring.#h[W_PARTIAL] !== 0) ring.#abandon();
      marked = markDead(wl, tag);
      ring.#wakeReaders();
    }
    if (markDead(ring.#rl, tag)) marked = true;
    return marked;
  }
}
