// SchedulerGroup: one Scheduler per key (a user, a host, an API token), made on first use with
// shared options and closed after it has been idle for a while (Bottleneck's Group).
import { InvalidOptionError } from './errors.js';
import { now } from './internal/clock.js';
import { LongTimer } from './internal/long-timer.js';
import { positiveNumber } from './internal/validate.js';
import { Scheduler } from './scheduler.js';
import type { SchedulerOptions } from './scheduler-options.js';

/**
 * Options of {@link SchedulerGroup}: the options every key's scheduler is made with, plus how
 * long an idle one is kept.
 *
 * @example
 * ```ts
 * const perUser = new SchedulerGroup({ concurrency: 2, minTime: 100, idleTimeout: 60_000 });
 * ```
 */
export interface SchedulerGroupOptions extends SchedulerOptions {
  /**
   * ms a key's scheduler may stay idle (nothing queued or running) before it is closed and
   * forgotten; the next use of the key makes a new one. Any size, or `Infinity` to keep them.
   * The timer does not keep the process alive.
   * @defaultValue `300_000` (5 minutes, as Bottleneck's Group)
   */
  readonly idleTimeout?: number;
}

function isIdle(scheduler: Scheduler): boolean {
  const { waiting, queued, running, backoff } = scheduler.counts();
  return waiting + queued + running + backoff === 0;
}

interface Member {
  readonly scheduler: Scheduler;
  expiry: LongTimer | undefined;
  /** When the key last went idle (`now()`): what its expiry timer counts from. */
  idleSince: number;
}

/**
 * One {@link Scheduler} per key, made on demand with shared options and dropped when idle
 * (Bottleneck's `Group`): per-user or per-host limits without managing the schedulers yourself.
 *
 * @example
 * ```ts
 * const perHost = new SchedulerGroup({ concurrency: 4, rateLimit: { limit: 10, interval: 1000 } });
 * const page = await perHost.key(new URL(url).host).schedule({ fn: fetchText, args: [url] });
 * await perHost.close();
 * ```
 */
export class SchedulerGroup {
  readonly #options: SchedulerOptions;
  readonly #idleTimeout: number;
  readonly #members = new Map<string, Member>();
  #closed = false;

  /**
   * @param options - See {@link SchedulerGroupOptions}.
   * @throws {@link InvalidOptionError} for an option a {@link Scheduler} would refuse, or a bad
   * `idleTimeout`, before any scheduler is made for a key.
   *
   * @example
   * ```ts
   * const perToken = new SchedulerGroup({ reservoir: 100, reservoirRefreshInterval: 60_000, reservoirRefreshAmount: 100 });
   * ```
   */
  constructor(options: SchedulerGroupOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError('options', options, 'an object of SchedulerGroupOptions');
    const { idleTimeout = 300_000, ...shared } = options;
    this.#idleTimeout = positiveNumber('idleTimeout', idleTimeout);
    // Checked once here, so that key() never throws for a bad option.
    void new Scheduler(shared).close();
    this.#options = shared;
  }

  /**
   * The scheduler of `key`, made with the group's options if there is none (or it expired).
   *
   * @param key - Any string.
   * @returns The key's scheduler.
   * @throws {@link InvalidOptionError} if `key` is not a string, or the group is closed.
   *
   * @example
   * ```ts
   * await group.key('user-42').schedule({ fn: sendMail, args: [mail] });
   * ```
   */
  key(key: string): Scheduler {
    if (typeof key !== 'string') throw new InvalidOptionError('key', key, 'a string');
    if (this.#closed) throw new InvalidOptionError('key', key, 'a key of a group not closed');
    const found = this.#members.get(key);
    if (found !== undefined) return found.scheduler;
    const scheduler = new Scheduler(this.#options);
    const member: Member = { scheduler, expiry: undefined, idleSince: 0 };
    this.#members.set(key, member);
    // One listener only, of `idle` (not of `add`): a scheduler builds the objects of the events
    // that have listeners, and `idle` fires once per busy period, not once per task. A timer due
    // while the key has work does nothing; the next `idle` arms a new one.
    scheduler.on('idle', () => this.#arm(key, member));
    this.#arm(key, member); // a key fetched and never used expires too
    return scheduler;
  }

  /**
   * The keys that have a scheduler now.
   *
   * @returns The keys, in creation order.
   *
   * @example
   * ```ts
   * console.log(group.keys()); // ['user-42', 'user-7']
   * ```
   */
  keys(): string[] {
    return [...this.#members.keys()];
  }

  /**
   * Forgets `key` and closes its scheduler (its queued tasks still run, as with `close()`).
   *
   * @param key - The key.
   * @returns Whether the key had a scheduler; resolves once that scheduler has closed.
   *
   * @example
   * ```ts
   * await group.deleteKey('user-42');
   * ```
   */
  async deleteKey(key: string): Promise<boolean> {
    const member = this.#members.get(key);
    if (member === undefined) return false;
    this.#forget(key, member);
    await member.scheduler.close();
    return true;
  }

  /**
   * Closes every key's scheduler and refuses new keys.
   *
   * @returns A promise that resolves once all are closed.
   *
   * @example
   * ```ts
   * await group.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    const members = [...this.#members];
    for (const [key, member] of members) this.#forget(key, member);
    await Promise.all(members.map(([, member]) => member.scheduler.close()));
  }

  /**
   * The key went idle (or was just made): it expires `idleTimeout` from now unless busy then. A
   * timer already pending is kept and only the time is noted: when it fires early for this idle
   * period it waits for the rest (a key that goes idle after every task would otherwise clear and
   * make a timer per task).
   */
  #arm(key: string, member: Member): void {
    member.idleSince = now();
    if (member.expiry === undefined) this.#wait(key, member, this.#idleTimeout);
  }

  #wait(key: string, member: Member, ms: number): void {
    member.expiry = new LongTimer(() => {
      member.expiry = undefined;
      // Busy now: the next `idle` arms a new timer.
      if (this.#members.get(key) !== member || !isIdle(member.scheduler)) return;
      const left = member.idleSince + this.#idleTimeout - now();
      if (left > 0) {
        this.#wait(key, member, left);
        return;
      }
      this.#forget(key, member);
      void member.scheduler.close();
    }, ms).unref();
  }

  #forget(key: string, member: Member): void {
    member.expiry?.clear();
    member.expiry = undefined;
    if (this.#members.get(key) === member) this.#members.delete(key);
  }
}
