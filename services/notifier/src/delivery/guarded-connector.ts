import type { LookupAddress } from "node:dns";
import { type LookupFunction, connect, isIP } from "node:net";
import { type buildConnector as BuildConnector, buildConnector, errors } from "undici";
import type { UrlGuard } from "./url-guard.js";

export interface GuardedConnectorOptions {
  guard: UrlGuard;
  /** Bounds the TCP connect, and then the TLS handshake, each; default 10 000 ms (undici's). */
  timeoutMs?: number;
}

/**
 * undici's `connect` option for webhook deliveries: the address policy enforced on the
 * connection itself, where no later DNS answer or connect path can get around it.
 * - An IP-literal host is checked before a packet is sent (`net` never calls `lookup` for one).
 * - A host name is resolved by the guard, and only addresses it has just checked reach
 *   `net.connect` (DNS rebinding: a name checked when the subscription was saved may point at
 *   127.0.0.1 now).
 * - Once connected, the peer's own address (`socket.remoteAddress`) is checked again; a refused
 *   socket is destroyed before anything is written to it.
 * TLS starts only after that last check, over the checked socket, so not even a ClientHello (it
 * carries the host name) reaches a refused address. Cost: one check per new connection; a
 * keep-alive connection is reused without one. Redirects are not followed (undici's `request`
 * has no redirect interceptor here), so a 3xx cannot lead anywhere either.
 */
export function guardedConnector(options: GuardedConnectorOptions): BuildConnector.connector {
  const { guard } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const startTls = buildConnector({ timeout: timeoutMs });
  const lookup = guardedLookup(guard);

  return (target, callback) => {
    const https = target.protocol === "https:";
    if (isIP(target.hostname) !== 0) {
      try {
        guard.assertAllowed(target.hostname);
      } catch (err) {
        callback(err as Error, null);
        return;
      }
    }
    const port = Number(target.port) || (https ? 443 : 80);
    const socket = connect({
      host: target.hostname,
      port,
      lookup,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 60_000,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      callback(err, null);
    };
    const timer = setTimeout(
      () => fail(new errors.ConnectTimeoutError(`Connect Timeout Error (attempted address: ${target.hostname}:${port}, timeout: ${timeoutMs}ms)`)),
      timeoutMs,
    );
    // Stays attached: once the socket is handed over, undici (or the TLS socket) owns its errors.
    socket.on("error", fail);
    socket.once("connect", () => {
      try {
        guard.assertAllowed(socket.remoteAddress ?? "");
      } catch (err) {
        fail(err as Error);
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (https) startTls({ ...target, httpSocket: socket }, callback);
      else callback(null, socket);
    });
  };
}

/** A `net` lookup that answers only with addresses the guard has just resolved and checked. */
function guardedLookup(guard: UrlGuard): LookupFunction {
  return (hostname, options, callback) => {
    guard.addressesOf(hostname).then(
      (all) => {
        const wanted: LookupAddress[] =
          options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        const first = wanted[0];
        if (!first) {
          const err: NodeJS.ErrnoException = new Error(`no usable address for ${hostname}`);
          err.code = "ENOTFOUND";
          callback(err, "", 0);
        } else if (options.all) {
          callback(null, wanted);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (err: Error) => callback(err, "", 0),
    );
  };
}
