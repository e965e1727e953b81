import { Agent, type Dispatcher, request } from "undici";

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface JsonRequestOptions {
  /** Bearer token (store API key or operator token). */
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Headers and body deadline; default 30 000 ms. */
  timeoutMs?: number;
}

/** JSON over undici with one keep-alive pool per origin, for the runner's own calls (127.0.0.1 only). */
export class HttpClient {
  private readonly agent: Agent;

  constructor(options: { connections?: number } = {}) {
    this.agent = new Agent({ connections: options.connections ?? 64, keepAliveTimeout: 2_000, pipelining: 1 });
  }

  async json<T = unknown>(method: Dispatcher.HttpMethod, url: string, o: JsonRequestOptions = {}): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { accept: "application/json", ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers["content-type"] = "application/json";
    const res = await this.text(method, url, { headers, ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
    let body: unknown = undefined;
    if (res.body.length > 0) {
      try {
        body = JSON.parse(res.body);
      } catch {
        body = res.body;
      }
    }
    return { ...res, body: body as T };
  }

  /** Any body as given (a form, an XML notice), the answer as text. */
  async text(method: Dispatcher.HttpMethod, url: string, o: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<JsonResponse<string>> {
    const timeout = o.timeoutMs ?? 30_000;
    const res = await request(url, {
      method,
      dispatcher: this.agent,
      headers: o.headers ?? {},
      body: o.body ?? null,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

/** Answers that mean "try again" (overload, dependency down, process restarting). */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
