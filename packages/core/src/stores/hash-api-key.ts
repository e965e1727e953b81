import { createHash } from "node:crypto";

/** The form API keys are kept in: `sha256:` + lowercase hex of the key's UTF-8 bytes. */
export function hashApiKey(key: string): string {
  return `sha256:${createHash("sha256").update(key, "utf8").digest("hex")}`;
}
