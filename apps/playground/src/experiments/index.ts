// The experiments the playground knows, in the order `list` and the tour show them.
import type { Experiment } from '../experiment.js';

export const experiments: readonly Experiment[] = [];
