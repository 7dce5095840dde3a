// What the runtime under the pool can do, found by trying it (never by comparing versions), for
// the options whose meaning would silently change where a runtime lacks the feature.
import { Worker } from 'node:worker_threads';
import { UnsupportedRuntimeError } from '../errors.js';

/** The runtime's name and version, for messages only. */
export function runtimeName(): string {
  const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string };
  if (versions.bun !== undefined) return `Bun ${versions.bun}`;
  if (versions.deno !== undefined) return `Deno ${versions.deno}`;
  return `Node.js ${process.versions.node}`;
}

let resourceLimitsEnforced: boolean | undefined;

/**
 * Whether `new Worker(…, { resourceLimits })` bounds the thread's heap here. Node reports the
 * limits back on `worker.resourceLimits`; a runtime that ignores the option (Bun) leaves it
 * undefined. Probed once per process with a worker that runs nothing. Deno (2.9) reports the
 * limits too, but a module worker that runs out of them stops without an `error` or `exit` event,
 * so a task on it would never settle: there the option is refused as well, the one place this file
 * names a runtime instead of probing (no cheap probe tells that hang apart).
 */
function probeResourceLimits(): boolean {
  if ((process.versions as { deno?: string }).deno !== undefined) return false;
  const probe = new Worker('', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  const enforced = probe.resourceLimits !== undefined;
  probe.unref();
  void probe.terminate();
  return enforced;
}

/**
 * Throws {@link UnsupportedRuntimeError} when thread workers' `resourceLimits` would be ignored.
 */
export function assertResourceLimitsEnforced(): void {
  resourceLimitsEnforced ??= probeResourceLimits();
  if (resourceLimitsEnforced) return;
  throw new UnsupportedRuntimeError(
    'resourceLimits',
    `${runtimeName()} does not enforce worker_threads resourceLimits (a thread over the limit ` +
      'would run on unbounded, or stop without a word), so the pool refuses them. Drop ' +
      "resourceLimits, or use kind: 'process' with execArgv: ['--max-old-space-size=<MB>'].",
  );
}
