import { z } from "zod";

/** The contract's error body. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().meta({ example: "invalid_request" }),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  }),
});

export const errorResponses = {
  400: ErrorBody.describe("invalid_request: every bad parameter is named in issues"),
  401: ErrorBody.describe("unauthorized"),
  403: ErrorBody.describe("forbidden: a store key naming another store"),
  503: ErrorBody.describe("unavailable: the archive cannot be read now; retry"),
} as const;
