import { afterEach, describe, expect, it } from "vitest";
import { leaves, payFields, postForm, resultSignatureValid, sendJson, wechatCode } from "./support/protocol.js";
import { startSandbox, useSandbox } from "./support/start-sandbox.js";

const running = useSandbox();
const pay = async (orderNumber: string, digit = 0) =>
  leaves((await postForm(`${running.base}/gateway/directservice/pay`, payFields({ order_number: orderNumber, pay_accountNumber: wechatCode(digit), noticeUrl: running.receiver.url }))).body);
const setFaults = (body: unknown) => sendJson(`${running.base}/sandbox/faults`, "POST", body);

// random() is always 0, so every notice fault with a rate > 0 fires; retries come every 20 ms.
afterEach(async () => {
  await sendJson(`${running.base}/sandbox/faults`, "DELETE");
  running.receiver.answer = () => "receive-ok";
});

describe("delivery", () => {
  it("retries until the body is receive-ok, then stops", async () => {
    running.receiver.answer = (i) => (i < 2 ? "busy" : " receive-ok\n");
    await pay("N-RETRY");
    const notices = await running.receiver.waitFor("N-RETRY", 3);
    await running.sandbox.notices.idle();
    expect(running.receiver.forOrder("N-RETRY")).toHaveLength(3);
    expect(new Set(notices.map((n) => n.body)).size).toBe(1);
  });

  it("gives up after 5 attempts", async () => {
    running.receiver.answer = () => "error";
    await pay("N-GIVEUP");
    await running.receiver.waitFor("N-GIVEUP", 5);
    await running.sandbox.notices.idle();
    expect(running.receiver.forOrder("N-GIVEUP")).toHaveLength(5);
  });

  it("close() stops deliveries still waiting for a retry", async () => {
    const slow = await startSandbox({ noticeRetryDelaysMs: [0, 60_000] });
    running.receiver.answer = () => "no";
    await postForm(`${slow.base}/gateway/directservice/pay`, payFields({ order_number: "N-CLOSE", pay_accountNumber: wechatCode(0), noticeUrl: running.receiver.url }));
    await running.receiver.waitFor("N-CLOSE", 1);
    const started = performance.now();
    await slow.sandbox.close();
    // Far below the 60 s retry it would otherwise wait for.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(running.receiver.forOrder("N-CLOSE")).toHaveLength(1);
  });

  it("an attempt the receiver never answers times out and the next one is made", async () => {
    const quick = await startSandbox({ noticeTimeoutMs: 200 });
    try {
      let attempts = 0;
      running.receiver.answer = () => (attempts++ === 0 ? null : "receive-ok");
      await postForm(`${quick.base}/gateway/directservice/pay`, payFields({ order_number: "N-HUNG", pay_accountNumber: wechatCode(0), noticeUrl: running.receiver.url }));
      await running.receiver.waitFor("N-HUNG", 2);
      await quick.sandbox.notices.idle();
      expect(running.receiver.forOrder("N-HUNG")).toHaveLength(2);
    } finally {
      await quick.sandbox.close();
    }
  });

  it("close() aborts a delivery the receiver is not answering", async () => {
    const patient = await startSandbox({ noticeTimeoutMs: 60_000 });
    running.receiver.answer = () => null;
    await postForm(`${patient.base}/gateway/directservice/pay`, payFields({ order_number: "N-HANG-CLOSE", pay_accountNumber: wechatCode(0), noticeUrl: running.receiver.url }));
    await running.receiver.waitFor("N-HANG-CLOSE", 1);
    const started = performance.now();
    await patient.sandbox.close();
    // Far below the 60 s the attempt would otherwise wait for.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(running.receiver.forOrder("N-HANG-CLOSE")).toHaveLength(1);
  });
});

describe("notice faults", () => {
  it("noticeDuplicateRate sends each notice twice", async () => {
    await setFaults({ noticeDuplicateRate: 1 });
    await pay("N-DUP");
    const notices = await running.receiver.waitFor("N-DUP", 2);
    await running.sandbox.notices.idle();
    expect(running.receiver.forOrder("N-DUP")).toHaveLength(2);
    expect(notices[0]?.body).toBe(notices[1]?.body);
  });

  it("noticeDrop sends nothing", async () => {
    await setFaults({ noticeDrop: true });
    await pay("N-DROP");
    await sendJson(`${running.base}/sandbox/faults`, "DELETE");
    await pay("N-AFTER-DROP");
    await running.receiver.waitFor("N-AFTER-DROP", 1);
    await running.sandbox.notices.idle();
    expect(running.receiver.forOrder("N-DROP")).toHaveLength(0);
  });

  it("noticeDelayMs holds the first delivery back", async () => {
    await setFaults({ noticeDelayMs: 200 });
    await pay("N-DELAY");
    const answeredAt = Date.now();
    const [notice] = await running.receiver.waitFor("N-DELAY", 1);
    expect((notice?.at ?? 0) - answeredAt).toBeGreaterThanOrEqual(180);
  });

  it("noticeReorder follows the final notice with a stale pending one", async () => {
    await setFaults({ noticeReorder: true });
    const doc = await pay("N-REORDER", 7);
    expect(doc.payment_status).toBe("-1");
    const notices = await running.receiver.waitFor("N-REORDER", 2);
    expect(notices.map((n) => n.fields.payment_status)).toEqual(["1", "-1"]);
    expect(notices.every((n) => n.fields.payment_id === doc.payment_id && resultSignatureValid(n.fields))).toBe(true);
  });

  it("badSignatureRate corrupts notice signatures", async () => {
    await setFaults({ badSignatureRate: 1 });
    await pay("N-BADSIG");
    const [notice] = await running.receiver.waitFor("N-BADSIG", 1);
    expect(notice?.fields.payment_status).toBe("1");
    expect(resultSignatureValid(notice?.fields ?? {})).toBe(false);
  });

  it("an unfaulted notice verifies (control for the test above)", async () => {
    await pay("N-GOODSIG");
    const [notice] = await running.receiver.waitFor("N-GOODSIG", 1);
    expect(resultSignatureValid(notice?.fields ?? {})).toBe(true);
  });
});
