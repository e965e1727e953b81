import { setFlagsFromString } from "node:v8";

/**
 * Lets V8's old generation grow to at most `1 + percent/100` times what the last full collection
 * kept, instead of the up-to-4× it allows on a host with more than a few GB of memory (it sizes
 * the factor from the heap limit, itself a quarter of the host's memory, not the container's).
 * Under load our services' heaps are mostly short-lived garbage promoted while requests wait, so
 * at 4× a 35 MB live set becomes a 130 MB heap before anything is collected. At 100 % the
 * services peak 60–70 MB lower at no CPU cost we could measure (docs/performance.md, "Memory").
 * `0` leaves V8's own choice. The flag is read at every collection, so setting it once the
 * modules are loaded is early enough; it is not accepted in NODE_OPTIONS, hence code.
 */
export function limitHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growth must be a whole number of percent ≥ 0, got ${percent}`);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
