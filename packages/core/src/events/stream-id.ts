/**
 * Redis stream ids (`<ms>-<seq>`) as cursors. Compared numerically, never as strings:
 * `"9-0" > "10-0"` as text.
 */
const pattern = /^([0-9]{1,20})-([0-9]{1,20})$/;

export function isStreamId(value: string): boolean {
  return pattern.test(value);
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = parts(a);
  const [bm = 0n, bs = 0n] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** The first id at or after this instant, usable as an inclusive XRANGE start. */
export function streamIdAt(time: Date): string {
  return `${Math.max(0, time.getTime())}-0`;
}

/** The instant a stream id was written at. */
export function timeOfStreamId(id: string): Date {
  return new Date(Number(parts(id)[0] ?? 0n));
}

function parts(id: string): [bigint, bigint] {
  const m = pattern.exec(id);
  if (!m) throw new Error(`not a stream id: ${id}`);
  return [BigInt(m[1] as string), BigInt(m[2] as string)];
}
