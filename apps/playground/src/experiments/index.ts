// The experiments the playground knows, in the order `list` and the tour show them.
import type { Experiment } from '../experiment.js';
import { cpuVsIo } from './cpu-vs-io.js';
import { gilExperiment } from './gil.js';
import { pool } from './pool.js';
import { processes } from './processes.js';
import { race } from './race.js';
import { tour } from './tour.js';

export const experiments: readonly Experiment[] = [
  processes,
  pool,
  cpuVsIo,
  gilExperiment,
  race,
  tour,
];
