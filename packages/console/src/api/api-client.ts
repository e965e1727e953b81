/** An answer of the API that was not 2xx, in the API's own words. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
    readonly requestId?: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    /** The whole answer, for what an error carries beside `error` (a 409's running reconciliation `run`). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

/**
 * The three APIs the console talks to, all same-origin: the ledger's own (`/v1/…`), and the intake
 * and notifier through the ledger's forwarding (`/console/api/intake/…`, `/console/api/notifier/…`).
 */
export type Service = "ledger" | "intake" | "notifier";
const bases: Record<Service, string> = { ledger: "", intake: "/console/api/intake", notifier: "/console/api/notifier" };

/** The same-origin URL of one of the APIs' paths. */
export function serviceUrl(service: Service, path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  return `${bases[service]}${path}${params.size > 0 ? `?${params}` : ""}`;
}

export interface CallOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls one API with the session's token; every error becomes an {@link ApiCallError} carrying what the API said. */
export class ApiClient {
  constructor(private readonly token: string) {}

  async call<T>(service: Service, path: string, options: CallOptions = {}): Promise<T> {
    const url = serviceUrl(service, path, options.query);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(url, {
        method: options.method ?? "GET",
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiCallError(0, "network", `the ${service} could not be reached: ${(err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[]; requestId?: string } } | undefined)?.error;
      const { code, message, issues, requestId, ...details } = error ?? {};
      throw new ApiCallError(res.status, code ?? `http_${res.status}`, message ?? `${service} answered ${res.status}`, issues ?? [], requestId ?? res.headers.get("request-id") ?? undefined, details, json);
    }
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
