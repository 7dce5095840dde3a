// Routing: cpu → CPU executor, io → I/O executor, auto → learned per task name from measured CPU
// time vs wall time (exponential moving average, α = 0.5, so a changed workload shows within a
// couple of runs). Python's thread vs process executors and Tokio's blocking pool are the model;
// here the split is measured rather than declared.
import type { AutoRoutingOptions, RouteExplanation } from '../routing.js';
import type { TaskKind } from '../task.js';
import { InvalidOptionError } from '../errors.js';
import { oneOf, positiveInteger } from './validate.js';

const ALPHA = 0.5;

interface Stats {
  samples: number;
  cpuMs: number;
  runMs: number;
}

const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;

export class Router {
  readonly threshold: number;
  readonly minCpuMs: number;
  readonly minSamples: number;
  readonly initial: 'cpu' | 'io';
  readonly hasCpu: boolean;
  readonly defaultKind: TaskKind;
  readonly #stats = new Map<string, Stats>();
  readonly #kinds = new Map<string, TaskKind>();
  /** The last pair remembered: most calls repeat it, and this skips the map lookup. */
  #lastName: string | undefined = undefined;
  #lastKind: TaskKind | undefined = undefined;

  constructor(options: AutoRoutingOptions, hasCpu: boolean, defaultKind: TaskKind) {
    this.defaultKind = defaultKind;
    const threshold = options.threshold ?? 0.5;
    if (!(typeof threshold === 'number' && threshold > 0 && threshold <= 1)) {
      throw new InvalidOptionError('auto.threshold', threshold, 'a number in (0, 1]');
    }
    const minCpuMs = options.minCpuMs ?? 1;
    if (!(typeof minCpuMs === 'number' && Number.isFinite(minCpuMs) && minCpuMs >= 0)) {
      throw new InvalidOptionError('auto.minCpuMs', minCpuMs, 'a finite number ≥ 0');
    }
    this.threshold = threshold;
    this.minCpuMs = minCpuMs;
    this.minSamples = positiveInteger('auto.minSamples', options.minSamples ?? 2);
    this.initial = oneOf('auto.initial', options.initial ?? 'io', ['cpu', 'io'] as const);
    this.hasCpu = hasCpu;
  }

  /** The executor for the next task of `name`; remembers the kind for `explain`. */
  route(name: string, kind: TaskKind): 'cpu' | 'io' {
    if (name !== this.#lastName || kind !== this.#lastKind) {
      if (this.#kinds.get(name) !== kind) this.#kinds.set(name, kind);
      this.#lastName = name;
      this.#lastKind = kind;
    }
    if (kind === 'io' || !this.hasCpu) return 'io';
    if (kind === 'cpu') return 'cpu';
    return this.#auto(this.#stats.get(name));
  }

  learn(name: string, runMs: number, cpuMs: number): void {
    if (!(runMs >= 0) || !(cpuMs >= 0)) return;
    const stats = this.#stats.get(name);
    if (stats === undefined) {
      this.#stats.set(name, { samples: 1, cpuMs, runMs });
      return;
    }
    stats.samples++;
    stats.cpuMs += ALPHA * (cpuMs - stats.cpuMs);
    stats.runMs += ALPHA * (runMs - stats.runMs);
  }

  #auto(stats: Stats | undefined): 'cpu' | 'io' {
    if (stats === undefined || stats.samples < this.minSamples) return this.initial;
    return this.#isCpuBound(stats) ? 'cpu' : 'io';
  }

  #isCpuBound(stats: Stats): boolean {
    return stats.cpuMs >= this.minCpuMs && stats.cpuMs >= this.threshold * stats.runMs;
  }

  explain(name: string): RouteExplanation {
    const seen = this.#kinds.get(name);
    if (seen === undefined) {
      const guess = this.#explain(name, this.defaultKind);
      const { kind: _kind, ...rest } = guess;
      return {
        ...rest,
        reason: `no task of this name scheduled yet; by the default kind: ${guess.reason}`,
      };
    }
    return this.#explain(name, seen);
  }

  #explain(name: string, kind: TaskKind): RouteExplanation {
    const stats = this.#stats.get(name);
    const measured =
      stats === undefined
        ? { samples: 0 }
        : {
            samples: stats.samples,
            cpuRatio: stats.runMs > 0 ? Math.min(1, stats.cpuMs / stats.runMs) : 0,
            cpuMs: stats.cpuMs,
          };
    const base = { name, kind, ...measured };
    if (kind === 'io') return { ...base, executor: 'io', reason: "declared kind 'io'" };
    if (kind === 'cpu') {
      return this.hasCpu
        ? { ...base, executor: 'cpu', reason: "declared kind 'cpu'" }
        : {
            ...base,
            executor: 'io',
            reason: "declared kind 'cpu', but no cpu executor is configured",
          };
    }
    if (!this.hasCpu)
      return { ...base, executor: 'io', reason: 'auto, but no cpu executor is configured' };
    const executor = this.#auto(stats);
    if (stats === undefined || stats.samples < this.minSamples) {
      const seen =
        stats === undefined
          ? 'no runs measured yet'
          : `${stats.samples} of ${this.minSamples} runs measured`;
      return { ...base, executor, reason: `auto: ${seen}; '${this.initial}' until learned` };
    }
    const ratio = measured.cpuRatio ?? 0;
    const perRun = `${stats.cpuMs.toFixed(1)} ms CPU per run`;
    const facts = `CPU ${percent(ratio)} of wall time over ${stats.samples} runs, ${perRun}`;
    if (executor === 'cpu')
      return {
        ...base,
        executor,
        reason: `auto: ${facts} (≥ ${percent(this.threshold)}): CPU-bound`,
      };
    const why =
      stats.cpuMs < this.threshold * stats.runMs
        ? `below ${percent(this.threshold)}: I/O-bound`
        : `under ${this.minCpuMs} ms CPU per run: cheaper on the event loop than a round trip to a worker`;
    return { ...base, executor, reason: `auto: ${facts}; ${why}` };
  }
}
