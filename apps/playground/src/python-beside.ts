// CPython beside Node: each lesson's Python program run in the same tour, its figures in a section
// of their own; without Python the section says how to get it.
import type { ExperimentContext, ReportSection } from './experiment.js';
import { Lesson } from './lesson.js';
import type { Printer } from './print.js';
import type { PythonProgram } from './python-programs.js';
import { runPythonProgram } from './python-runner.js';

/** Where to get Python when the command is not found. */
export function pythonMissingText(command: string): string {
  return (
    `\`${command}\` was not found, so CPython's figures are not beside Node's in this run. To get ` +
    'them, install Python 3 (Debian or Ubuntu: `sudo apt-get install python3`; macOS: ' +
    '`brew install python`; Windows and others: https://www.python.org/downloads/) and run again, ' +
    'or point --python at an interpreter.'
  );
}

/** What a CPython section shows once its program ran. */
export interface PythonFigures {
  readonly notes: readonly string[];
  readonly verdict: string;
  readonly section: Omit<ReportSection, 'title' | 'notes' | 'listings' | 'verdict'>;
}

/** Outcome of one CPython lesson: its section, and what it found for the JSON checks. */
export interface PythonBeside<T> {
  readonly section: ReportSection;
  readonly status: 'ran' | 'missing' | 'failed';
  readonly values?: T[];
}

/**
 * Runs `program` with `args` in CPython (bounded by `timeoutMs` and Ctrl-C) and turns its result
 * into a lesson section with `figures`; a missing interpreter or a failed run becomes a section
 * that says so.
 */
export async function pythonBeside<T>(
  ctx: ExperimentContext,
  out: Printer,
  spec: {
    readonly title: string;
    readonly claim: string;
    /** The programs to run, one after another, each with its arguments. */
    readonly runs: readonly (readonly [PythonProgram, ...(string | number)[]])[];
    /** Bound of each program's run. */
    readonly timeoutMs: number;
    readonly figures: (values: T[]) => PythonFigures;
  },
): Promise<PythonBeside<T>> {
  const command = typeof ctx.flags['python'] === 'string' ? ctx.flags['python'] : 'python3';
  out.heading(spec.title);
  const lesson = new Lesson(out, spec.claim);
  const names = spec.runs.map(([program]) => `${program}.py`).join(' and ');
  lesson.note(
    `What ran: ${names} (from the playground's python/ folder), in CPython (\`${command}\`), in this same run, each ` +
      `stopped after ${spec.timeoutMs / 1000} s at most.`,
  );
  const values: T[] = [];
  for (const [program, ...args] of spec.runs) {
    const outcome = await runPythonProgram<T>(program, args, {
      command,
      timeoutMs: spec.timeoutMs,
      signal: ctx.signal,
    });
    if (outcome.status === 'missing') {
      lesson.note(pythonMissingText(command));
      lesson.verdict('No CPython figures in this run: Python was not found.');
      return { status: 'missing', section: lesson.section({ title: spec.title }) };
    }
    if (outcome.status === 'failed') {
      lesson.verdict(`No CPython figures in this run: ${outcome.reason}.`);
      return { status: 'failed', section: lesson.section({ title: spec.title }) };
    }
    values.push(outcome.value);
  }
  const figures = spec.figures(values);
  for (const note of figures.notes) lesson.note(note);
  lesson.verdict(figures.verdict);
  return {
    status: 'ran',
    values,
    section: lesson.section({ title: spec.title, ...figures.section }),
  };
}
