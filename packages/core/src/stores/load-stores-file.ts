import { readFileSync } from "node:fs";
import { z } from "zod";
import { StoresFileError } from "../errors/index.js";
import { hashApiKey } from "./hash-api-key.js";
import { type Operator, breakGlassOperatorName, operatorRoles } from "./operator.js";
import type { Store } from "./store.js";
import { StoreRegistry } from "./store-registry.js";

const envRef = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;
const sha256Ref = /^sha256:[0-9a-f]{64}$/;

const billingSchema = z
  .object({
    firstName: z.string().max(50).default(""),
    lastName: z.string().max(50).default(""),
    email: z.string().max(50).default(""),
    phone: z.string().max(50).default(""),
    country: z.string().max(50).default(""),
    state: z.string().max(50).default(""),
    city: z.string().max(50).default(""),
    address: z.string().max(100).default(""),
    zip: z.string().max(20).default(""),
    ip: z.string().max(45).default(""),
  })
  .strict();

/** A secret as the file holds it: its hash or where the environment has it, never the secret itself. */
const hashedSecret = (what: string) =>
  z.string().refine((v) => envRef.test(v) || sha256Ref.test(v), {
    message: `must be "sha256:<64 lowercase hex>" or an environment reference "\${NAME}", never a plain ${what}`,
  });

const storeSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 _ -"),
    name: z.string().min(1).optional(),
    apiKeys: z.array(hashedSecret("key")).min(1, "needs at least one API key"),
    oceanpayment: z
      .object({
        account: z.string().regex(/^[A-Za-z0-9]{6}$/, "must be 6 characters"),
        terminal: z.string().regex(/^[A-Za-z0-9]{8,12}$/, "must be 8-12 characters"),
        secureCode: z.string().min(1, "must not be empty"),
      })
      .strict(),
    billing: billingSchema.default(billingSchema.parse({})),
    rateLimit: z
      .object({
        perSecond: z.number().positive().default(200),
        burst: z.number().int().positive().default(400),
      })
      .strict()
      .default({ perSecond: 200, burst: 400 }),
  })
  .strict();

const operatorSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 . _ @ -")
      .refine((v) => v !== breakGlassOperatorName, `"${breakGlassOperatorName}" is the name of ADMIN_TOKEN's break-glass operator`),
    role: z.enum(operatorRoles, { error: `must be one of ${operatorRoles.join(", ")}` }),
    tokens: z.array(hashedSecret("token")).min(1, "needs at least one token"),
  })
  .strict();

const fileSchema = z
  .object({
    stores: z.array(storeSchema).min(1, "lists no store"),
    operators: z.array(operatorSchema).default([]),
  })
  .strict();

/** How an issue's place is named: `store "s1"` / `operator "alice"` (or their position), then the field. */
const listNames = { stores: ["store", "id"], operators: ["operator", "name"] } as const;

/** Reads and validates a stores file; every problem names the file, the store (or operator) and the field. */
export function loadStoresFile(file: string, env: Record<string, string | undefined>): StoreRegistry {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new StoresFileError(file, `cannot be read (${(cause as Error).message})`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new StoresFileError(file, `is not valid JSON (${(cause as Error).message})`, { cause });
  }
  return parseStores(file, json, env);
}

/** Validates an already-parsed stores document (`file` is only used in messages). */
export function parseStores(file: string, json: unknown, env: Record<string, string | undefined>): StoreRegistry {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const raw = json as Record<string, Array<Record<string, unknown>> | undefined> | undefined;
    const lines = parsed.error.issues.map((issue) => {
      const [top, index, ...field] = issue.path;
      if ((top === "stores" || top === "operators") && typeof index === "number") {
        const [noun, idField] = listNames[top];
        const id = raw?.[top]?.[index]?.[idField];
        const who = typeof id === "string" ? `${noun} "${id}"` : `${noun} #${index + 1}`;
        return `${who}, field "${field.join(".") || `(${noun})`}": ${issue.message}`;
      }
      return `field "${issue.path.join(".") || "(root)"}": ${issue.message}`;
    });
    throw new StoresFileError(file, lines.join("; "));
  }

  /** `who`: `store "s1"`, `operator "alice"`. */
  const resolve = (who: string, field: string, value: string): string => {
    const ref = envRef.exec(value);
    if (!ref) return value;
    const name = ref[1] as string;
    const resolved = env[name];
    if (resolved === undefined || resolved === "") {
      throw new StoresFileError(file, `${who}, field "${field}": environment variable ${name} is not set`);
    }
    return resolved;
  };
  const hashed = (who: string, field: string, value: string): string => (sha256Ref.test(value) ? value : hashApiKey(resolve(who, field, value)));

  const stores: Store[] = parsed.data.stores.map((s) => ({
    id: s.id,
    name: s.name ?? s.id,
    apiKeyHashes: s.apiKeys.map((k, i) => hashed(`store "${s.id}"`, `apiKeys.${i}`, k)),
    oceanpayment: {
      account: s.oceanpayment.account,
      terminal: s.oceanpayment.terminal,
      secureCode: resolve(`store "${s.id}"`, "oceanpayment.secureCode", s.oceanpayment.secureCode),
    },
    billing: s.billing,
    rateLimit: s.rateLimit,
  }));
  const operators: Operator[] = parsed.data.operators.map((o) => ({
    name: o.name,
    role: o.role,
    tokenHashes: o.tokens.map((t, i) => hashed(`operator "${o.name}"`, `tokens.${i}`, t)),
  }));
  return new StoreRegistry(file, stores, operators);
}
