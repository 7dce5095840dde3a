// The article's Python programs, shipped with the app (apps/playground/python/): shown in the
// lessons as written, and run in CPython beside Node when python3 is installed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReportListing } from '@weft/reporters';

/** The programs in `python/`, by file name without `.py`. */
export type PythonProgram =
  | 'pool_counter'
  | 'pool_terminate'
  | 'cpu_vs_io'
  | 'cpu_threads_vs_processes'
  | 'io_threads'
  | 'race_unlocked'
  | 'race_locked'
  | 'async_race'
  | 'probe';

// From src/ (tests) and from dist/ (the built CLI's chunks) alike, the folder is one level up.
const DIR = new URL('../python/', import.meta.url);

/** Absolute path of a program's file. */
export function pythonProgramPath(program: PythonProgram): string {
  return fileURLToPath(new URL(`${program}.py`, DIR));
}

/** A program as a report listing, its text read from the shipped file. */
export function pythonListing(program: PythonProgram, caption: string): ReportListing {
  return {
    title: `${caption}: ${program}.py`,
    language: 'python',
    code: readFileSync(pythonProgramPath(program), 'utf8'),
  };
}
