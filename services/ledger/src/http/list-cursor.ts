import { createHash } from "node:crypto";
import { z } from "zod";
import { InvalidRequestError } from "@oceanpos/core/http";
import type { ListFilters } from "./list-query.js";

/** Where a page ended: `createdAt` (µs, UTC) and the rest of the row's key. */
export interface CursorKey {
  createdAt: string;
  rest: string[];
}

const encoded = z.object({ v: z.literal(1), f: z.string(), k: z.tuple([z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)], z.string()) });

/**
 * Keyset cursors: the key of the last row of a page, and a fingerprint of the filters it was made
 * with. A cursor is good only for the list it came from (another filter, order or store answers
 * 400): the next page starts strictly after that row, so rows inserted meanwhile never shift or
 * repeat the pages.
 */
export const listCursor = {
  encode(filters: ListFilters, key: CursorKey): string {
    return Buffer.from(JSON.stringify({ v: 1, f: fingerprint(filters), k: [key.createdAt, ...key.rest] }), "utf8").toString("base64url");
  },

  /** The key, or a 400 naming `cursor`. `parts`: how many key parts after createdAt. */
  decode(cursor: string, filters: ListFilters, parts: number): CursorKey {
    let parsed: z.infer<typeof encoded> | undefined;
    try {
      parsed = encoded.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.k.length !== parts + 1) throw new InvalidRequestError([{ path: "cursor", message: "is not a cursor of this list" }], { part: "query" });
    if (parsed.f !== fingerprint(filters)) throw new InvalidRequestError([{ path: "cursor", message: "was made for other filters: keep the filters of the first page" }], { part: "query" });
    const [createdAt, ...rest] = parsed.k;
    return { createdAt, rest };
  },
};

function fingerprint(f: ListFilters): string {
  const canonical = [f.storeId, f.status, f.method, f.orderNumber, f.from?.toISOString(), f.to?.toISOString(), f.order].map((v) => v ?? "").join("\u0000");
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}
