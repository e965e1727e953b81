import { describe, expect, it } from "vitest";
import { auditEntryOf, auditFields, auditIdOf, auditTargets, streamIdOfAudit } from "./index.js";

describe("audit entries", () => {
  it("read back what auditFields wrote, with the stream id as their id", () => {
    const at = new Date("2026-12-06T10:00:00.000Z");
    const record = { operator: "sam", role: "support", action: "payment.resolve", target: auditTargets.payment("s1", "NO1"), reason: "left", details: { status: "failed" } } as const;
    expect(auditEntryOf("1700000000000-3", auditFields(record, at))).toEqual({ id: "aud_1700000000000-3", at: at.toISOString(), ...record });
    const bare = { operator: "admin", role: "admin", action: "subscription.delete", target: auditTargets.subscription("sub_1") } as const;
    expect(auditEntryOf("1-0", auditFields(bare, at))).toEqual({ id: "aud_1-0", at: at.toISOString(), ...bare });
  });

  it("refuse fields that are not an entry's, and ids that are not audit ids", () => {
    expect(auditEntryOf("1-0", ["at", "x", "operator", "sam"])).toBeUndefined();
    expect(auditEntryOf("1-0", auditFields({ operator: "sam", role: "support", action: "payment.query", target: "t" }, new Date()).concat("details", "{"))).toBeUndefined();
    expect(streamIdOfAudit(auditIdOf("12-3"))).toBe("12-3");
    for (const id of ["evt_12-3", "aud_12", "aud_x-1", "12-3"]) expect(streamIdOfAudit(id), id).toBeUndefined();
  });
});
