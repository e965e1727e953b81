import { describe, expect, it } from "vitest";
import { ScriptErrorCode } from "./script-error-code.js";
import { auditArg, expectedSendsArg, modeArg, recordSendResultOf, scheduleArg, stepWriteOf } from "./transition-script.js";

describe("transition script arguments", () => {
  it("encodes the schedule change: '' leaves it, 'remove', or a whole due time", () => {
    expect(scheduleArg(undefined)).toBe("");
    expect(scheduleArg("remove")).toBe("remove");
    expect(scheduleArg({ dueAt: 1_700_000_000_123.6 })).toBe("1700000000124");
  });

  it("encodes the mode, the expected send count and the audit entry, '' for none", () => {
    expect([modeArg(true), modeArg(false)]).toEqual(["contradiction", ""]);
    expect([expectedSendsArg(undefined), expectedSendsArg(0), expectedSendsArg(3)]).toEqual(["", "0", "3"]);
    expect(auditArg(undefined, new Date(0))).toBe("");
    const record = { operator: "ana", role: "admin", action: "payment.resolve", target: "995149/T1" } as const;
    expect(JSON.parse(auditArg(record, new Date(0)))).toEqual([
      "at", "1970-01-01T00:00:00.000Z", "operator", "ana", "role", "admin", "action", "payment.resolve", "target", "995149/T1",
    ]);
  });
});

describe("transition script replies", () => {
  it("reads each reply of a transition script as the transition loop's outcome", () => {
    const next = { status: "pending", version: 3 };
    expect(stepWriteOf([1, "1700000000000-0"], next)).toEqual({ outcome: "applied", next, eventId: "evt_1700000000000-0" });
    expect(stepWriteOf([ScriptErrorCode.NotFound], next)).toEqual({ outcome: "not_found" });
    expect(stepWriteOf([ScriptErrorCode.Final], next)).toEqual({ outcome: "final" });
    expect(stepWriteOf([ScriptErrorCode.AwaitingOperator], next)).toEqual({ outcome: "awaiting_operator" });
    expect(stepWriteOf([ScriptErrorCode.Conflict, "4"], next)).toEqual({ outcome: "conflict" });
  });

  it("reads the send-count script's reply: the new count or the refusal", () => {
    expect(recordSendResultOf(2)).toEqual({ recorded: true, sends: 2 });
    expect(recordSendResultOf(ScriptErrorCode.NotFound)).toEqual({ recorded: false, reason: "not_found" });
    expect(recordSendResultOf(ScriptErrorCode.NotSubmitting)).toEqual({ recorded: false, reason: "not_submitting" });
    expect(recordSendResultOf(ScriptErrorCode.CountMoved)).toEqual({ recorded: false, reason: "count_moved" });
  });
});
