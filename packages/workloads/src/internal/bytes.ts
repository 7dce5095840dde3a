// Deterministic bytes and cheap checksums, so I/O workloads can check every body and file.
import { createHash } from 'node:crypto';

/** Fills `length` bytes from a xorshift32 stream seeded by `index` (same bytes everywhere). */
export function deterministicBytes(index: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let state = (Math.imul(index + 1, 0x9e3779b9) ^ 0x5bd1e995) >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out.writeUInt32LE(state >>> 0, i);
  }
  for (; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** FNV-1a, 32 bits. */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Order-independent combination of per-item checksums (sum mod 2^32), so any split agrees. */
export function addChecksum(total: number, item: number): number {
  return (total + item) >>> 0;
}

/** Hex SHA-256 of some bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Hex MD5 of some bytes. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}
