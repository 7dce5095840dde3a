// The runtime-neutral suite's whole harness: `check(name, fn)` registers a check, `run()` runs them
// one after another, each under its own time bound, and prints one line per check that
// scripts/runtime-suite.mjs reads:
//   ok <name>
//   not ok <name> :: <what went wrong>
//   skip <name> :: <why>
// It uses nothing but what Node, Bun and Deno all provide, so a failure is the runtime's or Weft's,
// never the harness's.

const checks = [];

/** The runtime this script runs on, as the suite names it. */
export const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';

/** Thrown by a check to say the feature is absent on this runtime on purpose (not a failure). */
export class Skip extends Error {}

/**
 * Registers a check. `fn` may be async; it fails if it throws or takes longer than `timeout` ms.
 * The name is "<feature> :: <what it checks>": the feature part becomes a row of the support table.
 */
export function check(name, fn, { timeout = 30_000 } = {}) {
  checks.push({ name, fn, timeout });
}

function oneLine(error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** Runs every registered check in order, then exits (so a stray handle can't keep it alive). */
export async function run() {
  let failed = 0;
  for (const { name, fn, timeout } of checks) {
    let timer;
    const bound = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms`)), timeout);
    });
    try {
      await Promise.race([fn(), bound]);
      console.log(`ok ${name}`);
    } catch (error) {
      if (error instanceof Skip) {
        console.log(`skip ${name} :: ${error.message}`);
      } else {
        failed += 1;
        console.log(`not ok ${name} :: ${oneLine(error)}`);
      }
    } finally {
      clearTimeout(timer);
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}
