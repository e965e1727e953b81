/**
 * Servers run as child processes on loopback, for whatever runs the system locally: `npm start`
 * (tools/stack), the benchmark, the chaos run, and the test fixtures of `@oceanpos/testing`. No
 * test library here: a tool may depend on this package at run time.
 */
export { RedisServerProcess } from "./redis-server-process.js";
export { PostgresServerProcess, waitForConnection, type PostgresServerOptions } from "./postgres-server-process.js";
export { withDatabase } from "./database-url.js";
export { freePort } from "./free-port.js";
export { waitFor } from "./wait-for.js";
