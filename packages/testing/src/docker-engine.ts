import { request } from "node:http";

/** Whether a Docker engine answered, where it was looked for and, if not, why. */
export type DockerEngineAnswer = { ok: true; address: string } | { ok: false; address: string; reason: string };

/**
 * Asks the Docker engine Testcontainers would use whether it is there (`GET /_ping`, at most
 * `timeoutMs`): the one at `DOCKER_HOST` if set, else `unix:///var/run/docker.sock`. Reading
 * `env` (not `process.env`) keeps the answer testable; Testcontainers itself reads `process.env`.
 * An address this cannot ask plainly (TLS, ssh, a named pipe) counts as answering: Testcontainers
 * then connects, or fails with its own reason.
 */
export async function pingDockerEngine(env: Record<string, string | undefined>, timeoutMs = 3_000): Promise<DockerEngineAnswer> {
  const address = env.DOCKER_HOST || "unix:///var/run/docker.sock";
  const target = httpTarget(address, env);
  if (!target) return { ok: true, address };
  try {
    const status = await ping(target, timeoutMs);
    return status === 200 ? { ok: true, address } : { ok: false, address, reason: `GET /_ping answered ${status}` };
  } catch (err) {
    return { ok: false, address, reason: err instanceof Error ? err.message : String(err) };
  }
}

type Target = { socketPath: string } | { host: string; port: number };

function httpTarget(address: string, env: Record<string, string | undefined>): Target | undefined {
  if (address.startsWith("unix://")) return { socketPath: address.slice("unix://".length) };
  if (address.startsWith("tcp://") && !env.DOCKER_TLS_VERIFY) {
    const url = new URL(address.replace(/^tcp:/, "http:"));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return undefined;
}

function ping(target: Target, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once("error", reject);
    req.end();
  });
}
