// merge() and verify() shared by the I/O workloads, and the expected result of the byte-moving ones.
import type { IoResult } from '../io-result.js';
import type { PartRange, Verification } from '../workload.js';
import { addChecksum, deterministicBytes, fnv1a } from './bytes.js';
import { checkCoverage } from './params.js';

export function mergeIo(workload: string, results: readonly IoResult[], units: number): IoResult {
  checkCoverage(workload, results, units);
  let items = 0;
  let bytes = 0;
  let checksum = 0;
  for (const result of results) {
    items += result.items;
    bytes += result.bytes;
    checksum = addChecksum(checksum, result.checksum);
  }
  return { range: { start: 0, end: units }, items, bytes, checksum };
}

export function verifyIo(result: IoResult, expected: IoResult, whole: PartRange): Verification {
  const problems: string[] = [];
  if (result.range.start !== whole.start || result.range.end !== whole.end)
    problems.push('covers only part of the items');
  if (result.items !== expected.items)
    problems.push(`${result.items} items, expected ${expected.items}`);
  if (result.bytes !== expected.bytes)
    problems.push(`${result.bytes} bytes, expected ${expected.bytes}`);
  if (result.checksum !== expected.checksum)
    problems.push(`checksum ${result.checksum}, expected ${expected.checksum}`);
  return problems.length === 0
    ? {
        ok: true,
        against: 'recomputed',
        detail: `${result.items} items, ${result.bytes} bytes, checksum ${result.checksum}`,
      }
    : { ok: false, against: 'recomputed', detail: problems.join('; ') };
}

/** What moving `deterministicBytes(i, itemBytes)` for every i in `range` must add up to. */
export function expectedBytesIo(range: PartRange, itemBytes: number): IoResult {
  let checksum = 0;
  for (let i = range.start; i < range.end; i++) {
    checksum = addChecksum(checksum, fnv1a(deterministicBytes(i, itemBytes)));
  }
  const items = range.end - range.start;
  return { range, items, bytes: items * itemBytes, checksum };
}
