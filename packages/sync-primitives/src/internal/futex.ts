// The three-state futex lock under Mutex and RecursiveMutex: Ulrich Drepper, "Futexes Are Tricky"
// (mutex3): 0 free, 1 locked, 2 locked and maybe waiters. Uncontended lock+unlock is one
// compareExchange each way, and a release notifies only when the state says someone may wait.
// Added: a short spin before parking, owner/abandoned words, and parking_lot's eventual fairness
// (Amanieu d'Antras, parking_lot): now and then an unlock hands the lock straight to a woken
// waiter instead of letting the unlocking thread barge back in, so no waiter starves.
import { OWNER_TAG } from './thread.js';
import { asyncParks, type Slow } from './park.js';

/** Word indexes of the core. */
export const STATE = 0;
/** `threadId + 1` of the holder, 0 when free (or in the instant between locking and recording). */
export const OWNER = 1;
/** Non-zero (the dead owner's tag) when the last holder died holding the lock. */
export const ABANDONED = 2;
/** 1 while an unlock is handing the lock directly to a woken waiter. */
export const HANDOFF = 3;
/** Words used by the core. */
export const CORE_WORDS = 4;

/** Loads of a contended word before parking: a park/wake handoff costs ≈15 µs, a load ≈100 ns. */
export const SPIN = 100;
/** Mean interval between fair handoffs, in ms (parking_lot uses a random 0–1 ms). */
const FAIR_INTERVAL = 0.5;

/** Per-instance fairness clock. */
export interface Fairness {
  next: number;
}

/** One lock attempt without waiting. */
export function tryLock(s: Int32Array): boolean {
  if (Atomics.compareExchange(s, STATE, 0, 1) === 0) {
    s[OWNER] = OWNER_TAG;
    return true;
  }
  return false;
}

/**
 * One attempt, then a short spin while the holder is running (state 1); gives up at once when
 * others are parked already (state 2), since spinning would only delay joining them. Kept out of
 * the generator so that a briefly contended lock allocates nothing.
 */
export function spinLock(s: Int32Array): boolean {
  if (Atomics.compareExchange(s, STATE, 0, 1) === 0) {
    s[OWNER] = OWNER_TAG;
    return true;
  }
  for (let i = 0; i < SPIN; i++) {
    const v = Atomics.load(s, STATE);
    if (v === 0) {
      if (Atomics.compareExchange(s, STATE, 0, 1) === 0) {
        s[OWNER] = OWNER_TAG;
        return true;
      }
    } else if (v === 2) {
      return false;
    }
  }
  return false;
}

/** Park until the lock is ours (true) or the deadline passes (false); call after spinLock failed. */
export function* lockSlow(s: Int32Array): Slow<boolean> {
  let c = Atomics.exchange(s, STATE, 2);
  while (c !== 0) {
    const r = yield { i32: s, index: STATE, expected: 2, swallowed: () => passOn(s) };
    if (Atomics.compareExchange(s, HANDOFF, 1, 0) === 1) break; // handed to us, still locked
    if (r === 'timed-out') return false;
    // Woken: spin again before parking again, so that a wake does not turn into a convoy.
    // Having waited, we must lock with 2 (others may still be parked: Drepper's rule).
    for (let i = 0; i < SPIN; i++) {
      if (Atomics.load(s, STATE) === 0 && Atomics.compareExchange(s, STATE, 0, 2) === 0) {
        s[OWNER] = OWNER_TAG;
        return true;
      }
    }
    c = Atomics.exchange(s, STATE, 2);
  }
  s[OWNER] = OWNER_TAG;
  return true;
}

/** An aborted async waiter was woken after all: take a handoff meant for it and give it back. */
function passOn(s: Int32Array): void {
  if (Atomics.compareExchange(s, HANDOFF, 1, 0) === 1) {
    s[OWNER] = 0;
    Atomics.store(s, STATE, 0);
  }
  Atomics.notify(s, STATE, 1);
}

/** Release; returns false (and changes nothing) when the lock was not held. */
export function unlock(s: Int32Array, fair: Fairness): boolean {
  const owner = s[OWNER]!;
  s[OWNER] = 0;
  const c = Atomics.compareExchange(s, STATE, 1, 0);
  if (c === 1) return true;
  if (c === 0) {
    s[OWNER] = owner;
    return false;
  }
  // c === 2: someone may be parked.
  const now = performance.now();
  if (now >= fair.next && asyncParks.count === 0) {
    fair.next = now + Math.random() * 2 * FAIR_INTERVAL;
    Atomics.store(s, HANDOFF, 1);
    if (Atomics.notify(s, STATE, 1) === 1) return true; // the lock stays locked for the woken one
    if (Atomics.compareExchange(s, HANDOFF, 1, 0) === 0) return true; // someone took it already
  }
  Atomics.store(s, STATE, 0);
  Atomics.notify(s, STATE, 1);
  return true;
}

/** After acquiring: the dead owner's tag if the lock was abandoned (and clear the mark), else 0. */
export function takeAbandoned(s: Int32Array): number {
  return s[ABANDONED] === 0 ? 0 : Atomics.exchange(s, ABANDONED, 0);
}

/** markOwnerDead's step for one lock: release it on behalf of a dead holder. */
export function markDead(s: Int32Array, ownerTag: number): boolean {
  if (s[OWNER] !== ownerTag || Atomics.load(s, STATE) === 0) return false;
  Atomics.store(s, ABANDONED, ownerTag);
  s[OWNER] = 0;
  Atomics.store(s, HANDOFF, 0);
  Atomics.store(s, STATE, 0);
  Atomics.notify(s, STATE, 1);
  return true;
}

/** The holder's thread id, if recorded. */
export function ownerOf(s: Int32Array): number | undefined {
  if (Atomics.load(s, STATE) === 0) return undefined;
  const tag = s[OWNER]!;
  return tag === 0 ? undefined : tag - 1;
}
