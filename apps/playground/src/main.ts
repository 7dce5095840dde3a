// Argument parsing and dispatch for weft-playground; kept apart from the process entry so tests
// and the tour can drive it with their own streams.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import type { Experiment, Terminable } from './experiment.js';
import { defaultTourReportPrefix } from './experiments/tour.js';
import { writeReports } from './reports.js';
import { experiments as knownExperiments } from './experiments/index.js';
import { version } from './version.js';

/** Exit code for a command line that could not be understood. */
export const EXIT_USAGE = 2;

export interface MainOptions {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly signal: AbortSignal;
  readonly experiments?: readonly Experiment[];
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function globalUsage(experiments: readonly Experiment[]): string {
  const width = Math.max(4, ...experiments.map((e) => e.name.length));
  const lines = [
    'Usage: weft-playground <command> [options]',
    '',
    'Commands:',
    `  ${'list'.padEnd(width)}  list the experiments`,
    ...experiments.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also after a command: weft-playground <command> --help)',
    '  -v, --version  print the version',
  ];
  return lines.join('\n') + '\n';
}

function experimentUsage(experiment: Experiment): string {
  const lines = [
    `Usage: weft-playground ${experiment.name} [options]`,
    '',
    experiment.description,
    '',
  ];
  const rows: [string, string][] = experiment.flags.map((flag) => {
    const value =
      flag.type === 'string' ? ` <${flag.choices?.join('|') ?? flag.valueName ?? 'value'}>` : '';
    const dflt = flag.default === undefined ? '' : ` (default: ${String(flag.default)})`;
    return [`--${flag.name}${value}`, `${flag.description}${dflt}`];
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([left]) => left.length));
  lines.push('Options:', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`));
  return lines.join('\n') + '\n';
}

/**
 * `--workers -3` as `--workers=-3`: a value flag followed by a negative number takes it as its
 * value, so both spellings reach the same range check (parseArgs calls the first "ambiguous").
 */
function joinDashValues(args: readonly string[], experiment: Experiment): string[] {
  const valued = new Set(
    experiment.flags.filter((f) => f.type === 'string').map((f) => `--${f.name}`),
  );
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if (valued.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * Fails before the run when a report file cannot be written: its folder missing or not writable,
 * or the path a folder or a read-only file.
 */
async function checkOutputPaths(
  flags: Record<string, string | boolean | undefined>,
): Promise<void> {
  for (const name of ['json', 'html', 'trace']) {
    const value = flags[name];
    if (typeof value !== 'string') continue;
    const path = resolve(value);
    const dir = dirname(path);
    const problem = await access(dir, constants.W_OK).then(
      async () => {
        const info = await stat(path).catch(() => undefined);
        if (info?.isDirectory()) return 'it is a directory';
        if (info !== undefined) {
          return access(path, constants.W_OK).then(
            () => undefined,
            () => 'the file is not writable',
          );
        }
        return undefined;
      },
      (error: NodeJS.ErrnoException) =>
        error.code === 'ENOENT'
          ? `the folder ${dir} does not exist`
          : `the folder ${dir} is not writable`,
    );
    if (problem !== undefined) {
      throw new UsageError(`--${name} ${value}: cannot write the report there: ${problem}`);
    }
  }
}

function parseExperimentFlags(
  experiment: Experiment,
  args: string[],
): { help: boolean; flags: Record<string, string | boolean | undefined> } {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const flag of experiment.flags) options[flag.name] = { type: flag.type };
  let parsed;
  try {
    parsed = parseArgs({
      args: joinDashValues(args, experiment),
      options,
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const flags: Record<string, string | boolean | undefined> = {};
  for (const flag of experiment.flags) {
    const value = (parsed.values[flag.name] as string | boolean | undefined) ?? flag.default;
    if (flag.choices && typeof value === 'string' && !flag.choices.includes(value)) {
      throw new UsageError(
        `--${flag.name} was given '${value}'; allowed: ${flag.choices.join(', ')}`,
      );
    }
    const problem = typeof value === 'string' ? flag.check?.(value) : undefined;
    if (problem !== undefined)
      throw new UsageError(`--${flag.name} was given '${String(value)}'; ${problem}`);
    flags[flag.name] = value;
  }
  return { help: parsed.values.help === true, flags };
}

/**
 * Runs the playground with the given arguments and returns the process exit code.
 */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  const experiments = options.experiments ?? knownExperiments;
  const { stdout, stderr } = options;
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      stdout.write(globalUsage(experiments));
      return 0;
    }
    if (command === '--version' || command === '-v') {
      stdout.write(`${version}\n`);
      return 0;
    }
    if (command === 'list') {
      if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
        stdout.write(
          'Usage: weft-playground list\n\nLists the experiments, one a line.\n\nOptions:\n  -h, --help  show this help\n',
        );
        return 0;
      }
      if (rest.length > 0)
        throw new UsageError(`'list' takes no arguments; given: ${rest.join(' ')}`);
      for (const e of experiments) stdout.write(`${e.name.padEnd(12)} ${e.summary}\n`);
      return 0;
    }
    if (command.startsWith('-')) throw new UsageError(`unknown option '${command}'`);
    const experiment = experiments.find((e) => e.name === command);
    if (!experiment) {
      const names = ['list', ...experiments.map((e) => e.name)].join(', ');
      throw new UsageError(`unknown command '${command}'; known commands: ${names}`);
    }
    const { help, flags } = parseExperimentFlags(experiment, rest);
    if (help) {
      stdout.write(experimentUsage(experiment));
      return 0;
    }
    await checkOutputPaths(flags);
    const managed = new Set<Terminable>();
    const terminateAll = async (): Promise<void> => {
      await Promise.allSettled([...managed].map((r) => r.terminate()));
    };
    const onAbort = (): void => void terminateAll();
    options.signal.addEventListener('abort', onAbort, { once: true });
    // --otlp: an OpenTelemetry SDK for the run, loaded only then; flushed in `finally` (after a
    // normal end, a failure or Ctrl-C alike).
    const otlpUrl = flags['otlp'];
    const otlp =
      typeof otlpUrl === 'string'
        ? (await import('./otlp.js')).startOtlp(otlpUrl, experiment.name)
        : undefined;
    try {
      const run = (): ReturnType<Experiment['run']> =>
        experiment.run({
          flags,
          stdout,
          stderr,
          signal: options.signal,
          manage: (resource) => {
            managed.add(resource);
            if (options.signal.aborted) void resource.terminate();
            return resource;
          },
        });
      const outcome = await (otlp === undefined ? run() : otlp.within(run));
      const written = await writeReports(outcome, {
        json: flags['json'] as string | undefined,
        html: flags['html'] as string | undefined,
        htmlInFreshTempDir:
          flags['html'] === undefined && experiment.name === 'tour'
            ? defaultTourReportPrefix
            : undefined,
        trace: flags['trace'] as string | undefined,
      });
      for (const path of written) stdout.write(`\nreport written: ${path}\n`);
      for (const failure of outcome.failures)
        stderr.write(`weft-playground: check failed: ${failure}\n`);
      if (outcome.failures.length > 0 && !options.signal.aborted) return 1;
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      await terminateAll();
      if (otlp !== undefined) {
        await otlp.shutdown();
        stdout.write(`\nOpenTelemetry spans and metrics sent to: ${String(otlpUrl)}\n`);
      }
    }
    return options.signal.aborted ? 130 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`weft-playground: ${error.message}\n\n`);
      const experiment = experiments.find((e) => e.name === command);
      stderr.write(experiment ? experimentUsage(experiment) : globalUsage(experiments));
      return EXIT_USAGE;
    }
    if (options.signal.aborted) {
      stderr.write('weft-playground: interrupted; every worker has been stopped.\n');
      return 130;
    }
    stderr.write(
      `weft-playground: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
