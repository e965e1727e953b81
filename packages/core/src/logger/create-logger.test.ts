import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./index.js";

describe("logger", () => {
  it("never writes secrets, keys or wallet codes", async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
    const logger = createLogger({ name: "test", destination: out });
    logger.info(
      {
        secureCode: "12345678",
        signValue: "abcdef",
        authCode: "134567890123456789",
        req: { headers: { authorization: "Bearer demo-key" } },
        form: { pay_accountNumber: "134567890123456789", signValue: "ff" },
        store: { oceanpayment: { secureCode: "12345678" } },
        orderNumber: "NO1",
      },
      "submitting",
    );
    logger.flush();
    const text = lines.join("");
    expect(text).toContain("NO1");
    for (const secret of ["12345678", "abcdef", "134567890123456789", "demo-key"]) expect(text).not.toContain(secret);
  });
});
