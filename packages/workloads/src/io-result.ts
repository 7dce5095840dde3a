// The result shape shared by the I/O workloads (HTTP, disk, timers).
import type { PartRange } from './workload.js';

/**
 * Result of an I/O workload: how many items (requests, files, waits) completed, their bytes, and an
 * order-independent checksum of their contents, so any split merges to the same value.
 *
 * @example
 * ```ts
 * import { timers, type IoResult } from '@weft/workloads';
 * const result: IoResult = await timers.run(timers.sizes.small);
 * console.log(result.items, result.checksum);
 * ```
 */
export interface IoResult {
  /** Items covered. */
  readonly range: PartRange;
  /** Items completed and checked. */
  readonly items: number;
  /** Bytes moved (0 for timers). */
  readonly bytes: number;
  /** Σ per-item checksum mod 2³² (FNV-1a of each body or file; index + 1 for timers). */
  readonly checksum: number;
}
