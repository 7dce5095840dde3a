// Chained SHA-256: digest = sha256(digest) repeated, from a 32-byte seed; chains split the work.
import { createHash } from 'node:crypto';
import { runCpu } from './internal/cpu.js';
import {
  checkCoverage,
  intField,
  rangeField,
  readObject,
  splitRanges,
  withRange,
} from './internal/params.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link sha256Chain}.
 *
 * @example
 * ```ts
 * import { sha256Chain, type Sha256ChainParams } from '@weft/workloads';
 * const params: Sha256ChainParams = sha256Chain.validate({ iterations: 10_000, chains: 2 });
 * ```
 */
export interface Sha256ChainParams {
  /**
   * Hashes per chain.
   * @defaultValue 10_000
   */
  readonly iterations: number;
  /**
   * Independent chains; chain c starts from 32 bytes that are zero except the last four, which hold
   * c big-endian (chain 0 starts from 32 zero bytes). The unit `split()` distributes.
   * @defaultValue 8
   */
  readonly chains: number;
  /** The chains this part computes (set by `split()`). @defaultValue all chains */
  readonly range?: PartRange;
}

/**
 * Result of {@link sha256Chain}: the final hex digest of each chain in the range.
 *
 * @example
 * ```ts
 * import { sha256Chain, type Sha256ChainResult } from '@weft/workloads';
 * const result: Sha256ChainResult = await sha256Chain.run({ iterations: 1_000_000, chains: 1 });
 * console.log(result.digests[0]); // '2a5e8b87…5c757c40'
 * ```
 */
export interface Sha256ChainResult {
  /** Chains covered. */
  readonly range: PartRange;
  /** Final digest of each chain in `range`, in order. */
  readonly digests: readonly string[];
}

const NAME = 'sha256-chain';
// Digests of chains 0..7, computed with Python's hashlib (an independent implementation); chain 0
// at 1,000,000 iterations is the published reference 2a5e8b87….
const REFERENCE: Readonly<Record<number, readonly string[]>> = {
  10_000: [
    '52e5e409cf0bfc76eb1b0d2c4ba4366afd7ec10e3620bc7751782f2ddecea19f',
    '8f83f894dae6d002b9734b5d362023f4aadaed909f7cbc7ad88ae74ae484ee77',
    '92178ac702d78ba1ed6d5a0b5880670caf7a068e14189de15d3ddc72180a1cb7',
    'c766636923a6bade265c2171a8819e147982144ee82fed0e5e3c2246bdc3d39f',
    '55d247ff06bb3a8cad0c6c78b2aef3ee87de8dcc7169fff86de371d0960dbb78',
    'd6f361f976430ae0790e954852395e31428e91df1e7d8ec190e3b4ebf338c331',
    '8ffaa2e599d7c84944c39437b8b4b4689ddd42e42475369764a7295671cd47e4',
    '612a8e08b3644eb4c5f852d14599ffa50000319221850d7e4a5ce32e23e70955',
  ],
  1_000_000: [
    '2a5e8b87894fc2d1be46c40ce8f95745cc6a4821d3b1be93e4fba5205c757c40',
    'bed077f7d2af5665cd6f43457aa945912016a632cc8aea69c7f8103a30a9ed9e',
    '24efa85ffdd67c6ab1eef9fda2b08fdf85b8da47b176bdbb20413adadb7c4a51',
    '490ed74ce213606464995de6494ae3bcbc4c405988cc725683bd52531aba553b',
    '1699ff456fe1374d9f6bc1fa0aa364342e95d12a5de178b870efb46cce97d330',
    'eb77fe7f0f585e4a1143891c36ea165f708d674a66236b01a00c331d958907b5',
    '40d5e63163c25c6d3e625942eff2b6eaa7f46330aeac765e3e953152c66e646b',
    '425d8d5ba135d8829cda385ee9973cec6f4fbb8af2d1c0eeda3c7cb083db9c79',
  ],
};
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

function chain(index: number, iterations: number, checkIn: () => void): string {
  let digest: Buffer = Buffer.alloc(32);
  digest.writeUInt32BE(index, 28);
  for (let i = 0; i < iterations; i++) {
    digest = createHash('sha256').update(digest).digest();
    if ((i & 1023) === 0) checkIn();
  }
  return digest.toString('hex');
}

/**
 * Chained SHA-256 (each digest hashed again) over independent chains, split by chains; checked
 * against the published digest of 1,000,000 hashes from 32 zero bytes and independently computed
 * digests of chains 0–7 at 10,000 and 1,000,000 iterations. Demonstrates CPU work in native code
 * (node:crypto) with a JS loop around it.
 *
 * @example
 * ```ts
 * import { sha256Chain } from '@weft/workloads';
 * const params = sha256Chain.sizes.small;
 * console.log(sha256Chain.verify(await sha256Chain.run(params), params).ok); // true
 * ```
 */
export const sha256Chain: Workload<Sha256ChainParams, Sha256ChainResult> = {
  name: NAME,
  kind: 'cpu',
  description: 'Chained SHA-256 over independent chains, split by chains.',
  sizes: {
    small: { iterations: 10_000, chains: 8 },
    medium: { iterations: 1_000_000, chains: 2 },
    large: { iterations: 1_000_000, chains: 8 },
  },
  defaults: { iterations: 10_000, chains: 8 },
  validate(params?: unknown): Sha256ChainParams {
    const object = readObject(NAME, params, ['iterations', 'chains', 'range']);
    const iterations = intField(NAME, object, 'iterations', 10_000, 1, 1e9);
    const chains = intField(NAME, object, 'chains', 8, 1, 4096);
    return withRange({ iterations, chains }, rangeField(NAME, object, chains));
  },
  run(params: Sha256ChainParams, options?: WorkloadRunOptions): Promise<Sha256ChainResult> {
    return runCpu(NAME, options, (checkIn) => {
      const valid = sha256Chain.validate(params);
      const range = valid.range ?? { start: 0, end: valid.chains };
      const digests: string[] = [];
      for (let c = range.start; c < range.end; c++)
        digests.push(chain(c, valid.iterations, checkIn));
      return { range, digests };
    });
  },
  verify(result: Sha256ChainResult, params: Sha256ChainParams): Verification {
    if (createHash('sha256').update('abc').digest('hex') !== ABC) {
      return { ok: false, against: 'reference', detail: 'sha256("abc") does not match FIPS 180-2' };
    }
    if (
      result.range.start !== 0 ||
      result.range.end !== params.chains ||
      result.digests.length !== params.chains
    ) {
      return { ok: false, against: 'reference', detail: 'result covers only part of the chains' };
    }
    const reference = REFERENCE[params.iterations];
    const known = reference === undefined ? 0 : Math.min(reference.length, params.chains);
    for (let c = 0; c < known; c++) {
      if (result.digests[c] !== reference![c]) {
        return {
          ok: false,
          against: 'reference',
          detail: `chain ${c}: ${result.digests[c]} != ${reference![c]}`,
        };
      }
    }
    if (known === params.chains) {
      return { ok: true, against: 'reference', detail: `${known} chain digests match` };
    }
    // Chains without a stored reference: recompute the last one inline (a different code path: no
    // split, no check-ins) so the check still means something.
    const last = params.chains - 1;
    const again = chain(last, params.iterations, () => {});
    const ok = again === result.digests[last];
    return {
      ok,
      against: 'recomputed',
      detail: `${known} chains match references; chain ${last} recomputed ${ok ? 'matches' : `differs (${again})`}`,
    };
  },
  split(params: Sha256ChainParams, parts: number): Sha256ChainParams[] {
    return splitRanges(NAME, params.chains, parts, params.range).map((range) => ({
      iterations: params.iterations,
      chains: params.chains,
      range,
    }));
  },
  merge(results: readonly Sha256ChainResult[], params: Sha256ChainParams): Sha256ChainResult {
    checkCoverage(NAME, results, params.chains);
    return { range: { start: 0, end: params.chains }, digests: results.flatMap((r) => r.digests) };
  },
};
