/** How a suite's Redis is provided; also the values of `TEST_REDIS`, which makes one mandatory. */
export type TestRedisKind = "url" | "container" | "process";

/** A Redis for one test suite (see `provisionRedis`). */
export interface TestRedis {
  url: string;
  /**
   * How it was provided: `url` (the Redis at `REDIS_URL`, shared), `container` (a Testcontainers
   * container of the suite's own) or `process` (a `redis-server` child of the suite's own).
   */
  kind: TestRedisKind;
  /** Whether {@link stop}/{@link restart} are possible (not for the Redis at `REDIS_URL`). */
  controllable: boolean;
  /** Whether {@link freeze}/{@link thaw} are possible (a child process or a container). */
  freezable: boolean;
  /**
   * Freezes Redis (a child: SIGSTOP; a container: the engine's pause): connections stay open,
   * nothing is answered or executed until {@link thaw}; commands sent meanwhile run then. A suite
   * must thaw in a `finally`.
   */
  freeze(): Promise<void>;
  /** Resumes a frozen Redis; safe when not frozen. */
  thaw(): Promise<void>;
  /**
   * Stops Redis (commands fail until {@link start}). `hard` simulates a crash (SIGKILL, also of a
   * frozen Redis: nothing sent while frozen runs); otherwise a clean shutdown. Safe when stopped.
   */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again after {@link stop}, on the same URL; data kept by the append-only file is back. */
  start(): Promise<void>;
  restart(options?: { hard?: boolean }): Promise<void>;
  /** Releases everything (the container or process, its data). Safe to call twice. */
  dispose(): Promise<void>;
}
