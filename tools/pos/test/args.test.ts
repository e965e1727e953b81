import { describe, expect, it } from "vitest";
import { type PayCommand, parsePosArgs } from "../src/args.js";

describe("pos arguments", () => {
  const pay = (...args: Parameters<typeof parsePosArgs>): PayCommand => {
    const cmd = parsePosArgs(...args);
    if (cmd.command !== "pay") throw new Error(`expected a pay command, got ${cmd.command}`);
    return cmd;
  };

  it("builds a customer-scan payment", () => {
    const cmd = pay(["pay", "--amount", "12.50", "--mode", "customer_scan", "--simulate-customer"], {}, 42);
    expect(cmd).toMatchObject({ amount: "12.50", mode: "customer_scan", method: "WeChatPay_Offline", orderNumber: "POS-42", simulateCustomer: true, apiKey: "demo-key" });
    expect(cmd.authCode).toBeUndefined();
  });

  it("defaults merchant scans to an approving WeChat code", () => {
    expect(pay(["pay", "--amount", "1"], {}).authCode).toBe("130000000000000000");
  });

  it("answers --help and -h with the usage, and names an unknown option", () => {
    expect(parsePosArgs(["--help"], {})).toEqual({ command: "help" });
    expect(parsePosArgs(["pay", "-h"], {})).toEqual({ command: "help" });
    expect(() => parsePosArgs(["pay", "--amount", "1", "--code", "1345"], {})).toThrow(/^unknown option --code\n\nusage: /);
  });

  it("refuses a float-looking or missing amount and unknown commands", () => {
    expect(() => parsePosArgs(["pay", "--amount", "1e2"], {})).toThrow(/--amount/);
    expect(() => parsePosArgs(["pay"], {})).toThrow(/--amount/);
    expect(() => parsePosArgs(["refund"], {})).toThrow(/unknown command refund/);
  });
});
