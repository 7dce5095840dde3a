// The tour: experiments 1 to 5 at small sizes, one after another, ending with an HTML report.
import type { Experiment, ExperimentOutcome } from '../experiment.js';
import { pythonFlag, reportFlags } from '../flags.js';
import { Printer } from '../print.js';
import { cpuVsIo } from './cpu-vs-io.js';
import { gilExperiment } from './gil.js';
import { pool } from './pool.js';
import { processes } from './processes.js';
import { race } from './race.js';

/** The experiments the tour runs, in order. */
export const tourSteps: readonly Experiment[] = [processes, pool, cpuVsIo, gilExperiment, race];

/**
 * Prefix of the fresh directory (`mkdtemp`) in the temp folder where the tour writes its HTML
 * report when `--html` is not given: a fixed name there could be a symlink planted by another user.
 */
export const defaultTourReportPrefix = 'weft-tour-';

export const tour: Experiment = {
  name: 'tour',
  summary:
    'runs experiments 1 to 5 at small sizes and writes an HTML report (the default of pnpm start)',
  description:
    'Runs processes, pool, cpu-vs-io, gil and race one after another at their small sizes (under a ' +
    'minute on 2 cores) and ends by writing an HTML report of everything it measured.',
  flags: [pythonFlag, ...reportFlags],
  async run(ctx) {
    const out = new Printer(ctx.stdout);
    const outcomes: ExperimentOutcome[] = [];
    for (const [index, step] of tourSteps.entries()) {
      ctx.signal.throwIfAborted();
      out.line();
      out.line(`━━ ${index + 1}/${tourSteps.length}  ${step.name}: ${step.summary}`);
      const flags = Object.fromEntries(step.flags.map((f) => [f.name, f.default]));
      const python = step.flags.some((f) => f.name === 'python')
        ? { python: ctx.flags['python'] }
        : {};
      outcomes.push(await step.run({ ...ctx, flags: { ...flags, size: 'small', ...python } }));
    }
    return {
      experiment: 'tour',
      checks: Object.fromEntries(outcomes.map((o) => [o.experiment, o.checks])),
      sections: outcomes.flatMap((o) => o.sections),
      failures: outcomes.flatMap((o) => o.failures),
    };
  },
};
