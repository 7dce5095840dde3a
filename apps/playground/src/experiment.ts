// The shape of one playground experiment and the context it runs in.
import type { Writable } from 'node:stream';

/** A command-line flag an experiment accepts, beyond the global ones. */
export interface ExperimentFlag {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** Allowed values for a string flag; anything else is a usage error. */
  readonly choices?: readonly string[];
  readonly default?: string | boolean;
}

/** What an experiment gets when it runs. */
export interface ExperimentContext {
  /** Parsed values of the experiment's own flags (defaults filled in). */
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  /** Results go here. */
  readonly stdout: Writable;
  /** Progress and diagnostics go here, so stdout stays clean. */
  readonly stderr: Writable;
  /** Fires on Ctrl-C: stop, clean up every worker, and return. */
  readonly signal: AbortSignal;
}

/** One runnable lesson of the playground. */
export interface Experiment {
  readonly name: string;
  /** One line for `list`. */
  readonly summary: string;
  /** A paragraph for `<name> --help`. */
  readonly description: string;
  readonly flags: readonly ExperimentFlag[];
  run(context: ExperimentContext): Promise<void>;
}
