import { Pool } from "undici";

/** One keep-alive pool per target; the bench never talks to anything but 127.0.0.1. */
export function pool(origin: string, connections: number): Pool {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(origin)) throw new Error(`the bench only sends to 127.0.0.1 (${origin})`);
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
}

export interface JsonResponse<T> {
  status: number;
  body: T;
}

/** A JSON request; the response body is parsed when it is JSON, else returned as text. */
export async function json<T = unknown>(
  p: Pool,
  method: "GET" | "POST" | "DELETE" | "PATCH",
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await p.request({ method, path, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.body.text();
  let body: unknown = text;
  if ((res.headers["content-type"] ?? "").toString().includes("json") && text.length > 0) body = JSON.parse(text);
  return { status: res.statusCode, body: body as T };
}

/** Sends a request and drops the body; returns the status code. */
export async function send(p: Pool, method: "POST" | "GET", path: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await p.request({ method, path, headers, body });
  await res.body.dump();
  return res.statusCode;
}
