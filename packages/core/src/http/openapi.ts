import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from "fastify-type-provider-zod";
import { z } from "zod";

/** The schemas a document names (`components.schemas`, by `$ref`): only these exact instances are named. */
export type OpenApiSchemaRegistry = z.core.$ZodRegistry<{ id: string }>;

export function openApiSchemaRegistry(): OpenApiSchemaRegistry {
  return z.registry<{ id: string }>();
}

/** The contract's error body, `{"error": {"code", "message", "issues"?, "requestId"?}}`, for documents. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({ example: "invalid_request" }),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe("Every failing field, for invalid_request"),
    requestId: z.string().optional(),
  }),
});

/** A response that is not JSON (an image, CSV, an event stream) or has no body: its media types as written. */
export interface RawResponse {
  description: string;
  content?: Record<string, { schema: Record<string, unknown> }>;
}

/** A response whose body is a named schema, with what this answer means. */
export interface NamedResponse {
  description: string;
  named: z.ZodType;
}

/** `response` entry for a route: a named schema (by `$ref`) and this status's own description. */
export function namedResponse(schema: z.ZodType, description: string): NamedResponse {
  return { description, named: schema };
}

/** `response` entry for a route answering something other than JSON, or nothing (`content` absent). */
export function rawResponse(description: string, content?: RawResponse["content"]): RawResponse {
  return content ? { description, content } : { description };
}

export interface OpenApiOptions {
  title: string;
  description: string;
  /** `host:port` where the service answers under `npm start`: the default of `servers`' `{host}` (SDK generators need a base URL). */
  defaultHost: string;
  securitySchemes: Record<string, { type: "http"; scheme: "bearer"; description: string }>;
  /** The document's default security requirement; operations may declare their own. */
  security: Record<string, string[]>[];
  /** Schemas named in `components.schemas`. */
  schemas?: OpenApiSchemaRegistry;
  /** OpenAPI 3.1 `webhooks`: what the service sends to subscribers. */
  webhooks?: Record<string, unknown>;
}

const hiddenRoutes = ["/openapi.json", "/docs", "/docs/*", "/healthz", "/readyz", "/metrics"];

/**
 * The service's OpenAPI 3.1 document at `GET /openapi.json` and a browsable reference at `/docs`,
 * both without credentials, generated from the zod schemas the routes declare (the ones their
 * handlers parse with). Route `response` entries may also be {@link namedResponse} or
 * {@link rawResponse}. Queued, not loaded (loading the reference's assets takes a while, which
 * `ready()` pays): @fastify/swagger sees the routes added after it loads, so add them in plugins
 * registered after this call, or after `await app.after()`.
 */
export function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): void {
  const schemaRegistry = options.schemas ?? openApiSchemaRegistry();
  const zodTransformObject = createJsonSchemaTransformObject({ schemaRegistry });
  app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: options.title, description: options.description, version: "1.0.0" },
      servers: [
        {
          url: "{scheme}://{host}",
          description: "Where this service is deployed",
          variables: {
            scheme: { default: "http", enum: ["http", "https"] },
            host: { default: options.defaultHost, description: `host:port (${options.defaultHost} under npm start)` },
          },
        },
      ],
      components: { securitySchemes: options.securitySchemes },
      security: options.security,
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    },
    transform: withResponseForms(createJsonSchemaTransform({ skipList: hiddenRoutes, schemaRegistry })),
    transformObject: (input) => namePlainly(zodTransformObject(input)),
  });
  app.register(swaggerUi, { routePrefix: "/docs" });
  app.register(async (scope) => {
    scope.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  });
}

/**
 * Keeps every route whose URL starts with `prefix` out of the service's OpenAPI document (routes
 * registered after this call). Here, beside the swagger registration, because `schema.hide` is
 * @fastify/swagger's addition to Fastify's route schema.
 */
export function hideFromOpenApi(app: FastifyInstance, prefix: string): void {
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith(prefix)) route.schema = { ...route.schema, hide: true };
  });
}

type RouteTransform = ReturnType<typeof createJsonSchemaTransform>;

/** The zod transform, taught the {@link namedResponse} and {@link rawResponse} forms of a response. */
function withResponseForms(zodTransform: RouteTransform): RouteTransform {
  return (input) => {
    // Ops routes carry no schema (which the zod transform would take as "show it").
    if (hiddenRoutes.includes(input.url)) return { schema: { hide: true }, url: input.url };
    const response = input.schema?.response as Record<string, unknown> | undefined;
    if (!response) return zodTransform(input);
    const zodOnly: Record<string, unknown> = {};
    for (const [status, entry] of Object.entries(response)) {
      if (isRaw(entry)) continue;
      zodOnly[status] = isNamed(entry) ? entry.named : entry;
    }
    const out = zodTransform({ ...input, schema: { ...input.schema, response: zodOnly } });
    const transformed = (out.schema as { response?: Record<string, Record<string, unknown>> }).response;
    if (!transformed) return out;
    for (const [status, entry] of Object.entries(response)) {
      // @fastify/swagger reads a status's description from the schema's own (a $ref's sibling).
      if (isNamed(entry)) transformed[status] = { ...transformed[status], description: entry.description };
      // Without content, `type: "null"` is how @fastify/swagger leaves a response bodiless.
      else if (isRaw(entry)) transformed[status] = entry.content ? { ...entry } : { description: entry.description, type: "null" };
    }
    return out;
  };
}

function isRaw(entry: unknown): entry is RawResponse {
  return typeof entry === "object" && entry !== null && !(entry instanceof z.ZodType) && !("named" in entry) && "description" in entry;
}

function isNamed(entry: unknown): entry is NamedResponse {
  return typeof entry === "object" && entry !== null && "named" in entry && !(entry instanceof z.ZodType);
}


/**
 * fastify-type-provider-zod names every registered schema twice, `X` (what is answered) and
 * `XInput` (what is accepted). Generated SDKs should see one type per schema, under its own name:
 * drop the form nothing refers to, and name an input-only schema `X`.
 */
function namePlainly<T extends object>(given: T): T {
  const document = given as { components?: { schemas?: Record<string, unknown> } };
  const schemas = document.components?.schemas ?? {};
  const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] as string);
  const reached = new Set<string>();
  const pending = refsIn({ ...document, components: { ...document.components, schemas: {} } });
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (reached.has(id) || !(id in schemas)) continue;
    reached.add(id);
    pending.push(...refsIn(schemas[id]));
  }
  const nameOf = (id: string) => {
    const plain = id.replace(/Input$/, "");
    return plain !== id && !reached.has(plain) ? plain : id;
  };
  const kept = Object.fromEntries([...reached].sort().map((id) => [nameOf(id), schemas[id]]));
  const json = JSON.stringify({ ...document, components: { ...document.components, schemas: kept } });
  return JSON.parse(json.replace(/"#\/components\/schemas\/([^"]+)"/g, (_ref, id: string) => `"#/components/schemas/${nameOf(id)}"`)) as T;
}
