import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { infoSignatureValid, leaves, payFields, paymentInfos, postForm, queryFields, resultSignatureValid, sendJson, wechatCode } from "./support/protocol.js";
import { type RunningSandbox, startSandbox } from "./support/start-sandbox.js";

let running: RunningSandbox;
const setFaults = async (body: unknown) => {
  const response = await sendJson(`${running.base}/sandbox/faults`, "POST", body);
  expect(response.status).toBe(200);
};
const payUrl = () => `${running.base}/gateway/directservice/pay`;
const ledgerOf = (orderNumber: string) => sendJson(`${running.base}/sandbox/ledger/${orderNumber}`, "GET");

// random() is always 0: a rate of 1 (or any rate > 0) always fires.
beforeAll(async () => {
  running = await startSandbox();
});
afterEach(async () => {
  await sendJson(`${running.base}/sandbox/faults`, "DELETE");
});
afterAll(async () => {
  await running.sandbox.close();
});

describe("fault settings", () => {
  it("merges what POST names, shows it with GET, clears it with DELETE", async () => {
    await setFaults({ latencyMs: 5 });
    await setFaults({ errorRate: 0.25, noticeDrop: true });
    expect((await sendJson(`${running.base}/sandbox/faults`, "GET")).json).toMatchObject({ latencyMs: 5, errorRate: 0.25, noticeDrop: true, timeoutRate: 0 });
    const cleared = await sendJson(`${running.base}/sandbox/faults`, "DELETE");
    expect(cleared.json).toMatchObject({ latencyMs: 0, errorRate: 0, noticeDrop: false });
  });

  it("rejects unknown fields and out-of-range rates naming the field", async () => {
    const unknown = await sendJson(`${running.base}/sandbox/faults`, "POST", { errorRatio: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ error: { code: "invalid_request", issues: [{ path: "errorRatio" }] } });
    const range = await sendJson(`${running.base}/sandbox/faults`, "POST", { timeoutRate: 1.5 });
    expect(range.status).toBe(400);
    expect(JSON.stringify(range.json)).toContain("timeoutRate");
  });
});

describe("transport faults", () => {
  it("errorRate answers 500 without processing: nothing charged", async () => {
    await setFaults({ errorRate: 1 });
    const response = await postForm(payUrl(), payFields({ order_number: "F500", pay_accountNumber: wechatCode(0) }));
    expect(response.status).toBe(500);
    expect((await ledgerOf("F500")).status).toBe(404);
  });

  it("timeoutRate takes the charge and never answers", async () => {
    await setFaults({ timeoutRate: 1 });
    const attempt = postForm(payUrl(), payFields({ order_number: "FTIME", pay_accountNumber: wechatCode(0) }), { headersTimeout: 300 });
    await expect(attempt).rejects.toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
    expect((await ledgerOf("FTIME")).json).toMatchObject({ charges: 1, status: "succeeded" });
  });

  it("resetAfterChargeRate takes the charge and resets the connection", async () => {
    await setFaults({ resetAfterChargeRate: 1 });
    const attempt = postForm(payUrl(), payFields({ order_number: "FRESET", pay_accountNumber: wechatCode(0) }));
    await expect(attempt).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    expect((await ledgerOf("FRESET")).json).toMatchObject({ charges: 1 });
  });

  it("badSignatureRate corrupts the signValue of pay answers and of every paymentInfo of query answers", async () => {
    const control = leaves((await postForm(payUrl(), payFields({ order_number: "FSIG0", pay_accountNumber: wechatCode(0) }))).body);
    expect(resultSignatureValid(control)).toBe(true);
    await setFaults({ badSignatureRate: 1 });
    const doc = leaves((await postForm(payUrl(), payFields({ order_number: "FSIG", pay_accountNumber: wechatCode(0) }))).body);
    expect(doc.payment_status).toBe("1");
    expect(doc.signValue).toMatch(/^[0-9A-F]{64}$/);
    expect(resultSignatureValid(doc)).toBe(false);
    const infos = paymentInfos((await postForm(`${running.base}/service/check/normal`, queryFields(["FSIG0", "FSIG"]))).body);
    expect(infos).toHaveLength(2);
    expect(infos.map(infoSignatureValid)).toEqual([false, false]);
    await sendJson(`${running.base}/sandbox/faults`, "DELETE");
    const clean = paymentInfos((await postForm(`${running.base}/service/check/normal`, queryFields(["FSIG0", "FSIG"]))).body);
    expect(clean.map(infoSignatureValid)).toEqual([true, true]);
  });

  it("latencyMs delays the answer", async () => {
    await setFaults({ latencyMs: 150 });
    const started = performance.now();
    const response = await postForm(payUrl(), payFields({ pay_accountNumber: wechatCode(0) }));
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});

describe("fault rates with a random that is not 0", () => {
  it("fires a rate only when random() falls below it", async () => {
    const half = await startSandbox({ random: () => 0.5 });
    try {
      await sendJson(`${half.base}/sandbox/faults`, "POST", { errorRate: 0.4 });
      expect((await postForm(`${half.base}/gateway/directservice/pay`, payFields({ pay_accountNumber: wechatCode(0) }))).status).toBe(200);
      await sendJson(`${half.base}/sandbox/faults`, "POST", { errorRate: 0.6 });
      expect((await postForm(`${half.base}/gateway/directservice/pay`, payFields({ pay_accountNumber: wechatCode(0) }))).status).toBe(500);
    } finally {
      await half.sandbox.close();
    }
  });
});

describe("ledger", () => {
  it("DELETE /sandbox/ledger forgets every order", async () => {
    await postForm(payUrl(), payFields({ order_number: "LRESET", pay_accountNumber: wechatCode(0) }));
    expect((await sendJson(`${running.base}/sandbox/ledger`, "GET")).json).toMatchObject({ orders: expect.arrayContaining([expect.objectContaining({ orderNumber: "LRESET", charges: 1 })]) });
    expect((await sendJson(`${running.base}/sandbox/ledger`, "DELETE")).status).toBe(204);
    expect((await sendJson(`${running.base}/sandbox/ledger`, "GET")).json).toEqual({ orders: [] });
    expect((await ledgerOf("LRESET")).status).toBe(404);
  });
});
