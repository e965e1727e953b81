import type { Logger } from "pino";
import { type Redis, type RedisRole, createRedis } from "../redis/index.js";

/**
 * Opens a Redis connection for a role and purpose (`name` shows in `CLIENT LIST`).
 * `autoPipelining` is asked for request paths only, never for BullMQ's connections.
 */
export type RedisConnector = (role: RedisRole, name: string, autoPipelining?: boolean) => Redis;

/** The connector `main.ts` hands a service: every connection to `REDIS_URL`. */
export function redisConnector(url: string): RedisConnector {
  return (role, name, autoPipelining = false) => createRedis({ url, role, connectionName: name, autoPipelining });
}

/**
 * The Redis connections a service opened, through its connector: each logs its errors (a
 * connection without an `error` listener crashes the process), and the service's last shutdown
 * step closes them all (QUIT, or a disconnect when Redis is gone). Safe to close twice.
 */
export class RedisConnections {
  private readonly opened: Redis[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly connect: RedisConnector,
    private readonly logger: Logger,
  ) {}

  open(role: RedisRole, name: string, autoPipelining = false): Redis {
    const connection = this.connect(role, name, autoPipelining);
    connection.on("error", (err: Error) => this.logger.warn({ err: err.message, connection: name }, "redis connection error"));
    this.opened.push(connection);
    return connection;
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.opened.map((c) => c.quit().then(() => undefined, () => c.disconnect()))).then(() => undefined);
    return this.closing;
  }
}
