/**
 * One outgoing request's signal: aborted once `timeoutMs` has passed (a `TimeoutError`, as
 * `AbortSignal.timeout` gives) or when `outer` aborts (a shutdown), and disposed by the caller as
 * soon as the request ends. Not `AbortSignal.timeout` + `AbortSignal.any`: those keep a timer, a
 * signal and a weak reference alive for the whole timeout after the request is over (9,000 of
 * each in the notifier after a burst of refunds), and tie every request to the long-lived signal.
 */
export class RequestDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.controller.abort(this.outer?.reason);

  constructor(
    timeoutMs: number,
    private readonly outer?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), timeoutMs);
    if (outer?.aborted) this.onAbort();
    else outer?.addEventListener("abort", this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Clears the timer and stops listening to `outer`; call it when the request has ended. */
  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener("abort", this.onAbort);
  }
}
