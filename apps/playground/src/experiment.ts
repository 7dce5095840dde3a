// The shape of one playground experiment, the context it runs in and what it hands back.
import type { Writable } from 'node:stream';
import type { Comparison, ReportCheck, ReportListing, Timeline } from '@weft/reporters';

/** A command-line flag an experiment accepts. */
export interface ExperimentFlag {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** What `<…>` shows for a string flag's value in the help (`value` when absent). */
  readonly valueName?: string;
  /** Allowed values for a string flag; anything else is a usage error. */
  readonly choices?: readonly string[];
  readonly default?: string | boolean;
  /** Checks a string value; returns an error message, or undefined when the value is fine. */
  readonly check?: (value: string) => string | undefined;
}

/** Parsed flag values, defaults filled in. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** What an experiment gets when it runs. */
export interface ExperimentContext {
  readonly flags: FlagValues;
  /** Results go here. */
  readonly stdout: Writable;
  /** Progress and diagnostics go here, so stdout stays clean. */
  readonly stderr: Writable;
  /** Fires on Ctrl-C: stop, clean up every worker, and return. */
  readonly signal: AbortSignal;
  /**
   * Registers something with workers (a pool) to be terminated on Ctrl-C and, at the latest, when
   * the experiment ends; returns it.
   */
  manage<T extends Terminable>(resource: T): T;
}

/** Anything that owns threads or processes and can stop them all. */
export interface Terminable {
  terminate(): Promise<void>;
}

/** One titled part of an experiment's report: a measured comparison and/or a timeline. */
export interface ReportSection {
  readonly title: string;
  /** Paragraphs that teach the section (claim, what ran, verdict), as the terminal said them. */
  readonly notes?: readonly string[];
  /** Programs the lesson is about (the article's Python), shown as written. */
  readonly listings?: readonly ReportListing[];
  /** The answers checked, each right (✔) or wrong (✘). */
  readonly checks?: readonly ReportCheck[];
  readonly comparison?: Comparison;
  readonly timeline?: Timeline;
  /** The conclusion computed from this section's measurements, as the terminal said it. */
  readonly verdict?: string;
}

/** What an experiment measured and verified. */
export interface ExperimentOutcome {
  /** The experiment's name. */
  readonly experiment: string;
  /** Facts the experiment verified (counter values, checked answers), for tests and JSON. */
  readonly checks: Readonly<Record<string, unknown>>;
  /** Comparisons and timelines for the reports. */
  readonly sections: readonly ReportSection[];
  /**
   * Checks that did not hold, one sentence each (empty when all held). Any failure makes the
   * command exit 1; timings never do.
   */
  readonly failures: readonly string[];
}

/** One runnable lesson of the playground. */
export interface Experiment {
  readonly name: string;
  /** One line for `list`. */
  readonly summary: string;
  /** A paragraph for `<name> --help`. */
  readonly description: string;
  readonly flags: readonly ExperimentFlag[];
  run(context: ExperimentContext): Promise<ExperimentOutcome>;
}
