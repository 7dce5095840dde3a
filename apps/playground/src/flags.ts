// Flags shared by several experiments, and typed readers for their parsed values.
import { availableParallelism } from 'node:os';
import type { ExperimentFlag, FlagValues } from './experiment.js';

export type Size = 'small' | 'medium' | 'large';
export type WorkerKind = 'thread' | 'process';

function positiveInteger(max: number) {
  return (value: string): string | undefined =>
    /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= max
      ? undefined
      : `expected a whole number from 1 to ${max}`;
}

export const reportFlags: readonly ExperimentFlag[] = [
  {
    name: 'json',
    type: 'string',
    valueName: 'file',
    description: 'write the measurements as JSON to this file',
  },
  {
    name: 'html',
    type: 'string',
    valueName: 'file',
    description: 'write a self-contained HTML report to this file',
  },
  {
    name: 'trace',
    type: 'string',
    valueName: 'file',
    description: 'write a Chrome trace (open in Perfetto) to this file',
  },
  {
    name: 'otlp',
    type: 'string',
    valueName: 'url',
    description:
      "send the run's OpenTelemetry spans and metrics over OTLP/HTTP to this collector (e.g. http://127.0.0.1:4318)",
    check: otlpUrlProblem,
  },
];

/** Checks an `--otlp` value: an http(s) URL. Returns the problem, or undefined. */
export function otlpUrlProblem(value: string): string | undefined {
  const problem = 'expected an http:// or https:// URL, e.g. http://127.0.0.1:4318';
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:' ? undefined : problem;
  } catch {
    return problem;
  }
}

export const sizeFlag: ExperimentFlag = {
  name: 'size',
  type: 'string',
  description: 'workload size',
  choices: ['small', 'medium', 'large'],
  default: 'small',
};

export const kindFlag: ExperimentFlag = {
  name: 'kind',
  type: 'string',
  description: 'worker kind for the pool',
  choices: ['thread', 'process'],
  default: 'thread',
};

export function workersFlag(defaultValue: number): ExperimentFlag {
  return {
    name: 'workers',
    type: 'string',
    valueName: 'n',
    description: 'number of workers',
    default: String(defaultValue),
    check: positiveInteger(64),
  };
}

/** The machine's parallelism, the default worker count of the measuring experiments. */
export const cores: number = availableParallelism();

export function readSize(flags: FlagValues): Size {
  return (flags['size'] ?? 'small') as Size;
}

export function readKind(flags: FlagValues): WorkerKind {
  return (flags['kind'] ?? 'thread') as WorkerKind;
}

export function readWorkers(flags: FlagValues, fallback: number): number {
  const value = flags['workers'];
  return typeof value === 'string' ? Number(value) : fallback;
}

export const pythonFlag: ExperimentFlag = {
  name: 'python',
  type: 'string',
  valueName: 'command',
  description:
    "the Python that runs the article's programs beside Node (when not found, the report says how to get it)",
  default: 'python3',
};
