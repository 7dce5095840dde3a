// Process entry of weft-playground: wires stdio and Ctrl-C to `main`.
import { setMaxListeners } from 'node:events';
import { main } from './main.js';

const controller = new AbortController();
// Every part of every workload listens to this one run-wide signal (and stops listening when done).
setMaxListeners(0, controller.signal);
let interrupts = 0;
const onSigint = (): void => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\nweft-playground: stopping (Ctrl-C again to force)…\n');
  controller.abort(new Error('interrupted by SIGINT'));
};
process.on('SIGINT', onSigint);
process.on('SIGTERM', onSigint);

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.off('SIGINT', onSigint);
process.off('SIGTERM', onSigint);
process.exitCode = code;
