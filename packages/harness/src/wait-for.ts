/**
 * Waits for `check` to return a value other than undefined/false, polling every `intervalMs`,
 * at most `timeoutMs`; fails with `message` (and the last value seen) otherwise. For state that
 * has no event to await (another process's Redis writes, a child's port).
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; message: string },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    last = value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms: ${options.message} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 20));
  }
}
