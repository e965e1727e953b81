import { afterEach, describe, expect, it } from "vitest";
import { NoticeReceiver } from "./support/notice-receiver.js";
import { leaves, payFields, paymentInfos, postForm, queryFields, resultSignatureValid, sendJson, wechatCode } from "./support/protocol.js";
import { type RunningSandbox, startSandbox } from "./support/start-sandbox.js";

let running: RunningSandbox | undefined;
let receiver: NoticeReceiver | undefined;

afterEach(async () => {
  await running?.sandbox.close();
  await receiver?.close();
});

async function setUp(autoPayMs?: number) {
  running = await startSandbox(autoPayMs === undefined ? {} : { autoPayMs });
  receiver = await new NoticeReceiver().start();
  const base = running.base;
  const pay = async (fields: Record<string, string>) =>
    leaves((await postForm(`${base}/gateway/directservice/pay`, payFields({ noticeUrl: receiver?.url ?? "", ...fields }))).body);
  const scan = (body: unknown) => sendJson(`${base}/sandbox/scan`, "POST", body);
  return { base, pay, scan, receiver };
}

describe("POST /sandbox/scan", () => {
  it("pays an awaiting QR: notice, query and ledger agree", async () => {
    const { base, pay, scan, receiver } = await setUp();
    const doc = await pay({ order_number: "S1", methods: "Alipay_Offline" });
    const paid = await scan({ orderNumber: "S1", outcome: "succeeded" });
    expect(paid).toMatchObject({ status: 200, json: { orderNumber: "S1", paymentId: doc.payment_id, status: "succeeded" } });
    const [notice] = await receiver.waitFor("S1", 1);
    expect(notice?.fields).toMatchObject({ payment_status: "1", payment_details: "80000:Transaction Approved", pay_barCode: doc.pay_barCode });
    expect(resultSignatureValid(notice?.fields ?? {})).toBe(true);
    const infos = paymentInfos((await postForm(`${base}/service/check/normal`, queryFields(["S1"]))).body);
    expect(infos[0]?.payment_results).toBe("1");
    expect((await sendJson(`${base}/sandbox/ledger/S1`, "GET")).json).toMatchObject({ charges: 1, status: "succeeded" });
    // Paying twice is not possible: the attempt no longer awaits the customer.
    expect((await scan({ orderNumber: "S1", outcome: "succeeded" })).status).toBe(409);
  });

  it("a refusal fails the attempt with 80101 and charges nothing", async () => {
    const { pay, scan, receiver } = await setUp();
    await pay({ order_number: "S2", methods: "WeChatPay_Offline" });
    expect((await scan({ orderNumber: "S2", outcome: "failed" })).json).toMatchObject({ status: "failed" });
    const [notice] = await receiver.waitFor("S2", 1);
    expect(notice?.fields).toMatchObject({ payment_status: "0", payment_details: "80101:Customer canceled transaction" });
  });

  it("answers 404 for an unknown order, 409 for one not awaiting, 400 naming a bad field", async () => {
    const { pay, scan } = await setUp();
    expect((await scan({ orderNumber: "NOPE", outcome: "succeeded" })).status).toBe(404);
    await pay({ order_number: "S3", pay_accountNumber: wechatCode(9) });
    expect((await scan({ orderNumber: "S3", outcome: "succeeded" })).status).toBe(409);
    const bad = await scan({ orderNumber: "S3", outcome: "maybe", colour: "red" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("colour");
    expect(JSON.stringify(bad.json)).toContain("outcome");
  });
});

describe("autoPayMs", () => {
  it("pays customer_scan QRs automatically", async () => {
    const { pay, receiver } = await setUp(30);
    const doc = await pay({ order_number: "AUTO1", methods: "WeChatPay_Offline" });
    expect(doc.payment_status).toBe("-1");
    const [notice] = await receiver.waitFor("AUTO1", 1);
    expect(notice?.fields).toMatchObject({ payment_status: "1", payment_id: doc.payment_id });
  });

  it("is off by default: nothing pays the QR by itself", async () => {
    const { pay, scan, receiver } = await setUp();
    await pay({ order_number: "AUTO2", methods: "WeChatPay_Offline" });
    await pay({ order_number: "AUTO3", methods: "WeChatPay_Offline" });
    await scan({ orderNumber: "AUTO3", outcome: "succeeded" });
    await receiver.waitFor("AUTO3", 1);
    await running?.sandbox.notices.idle();
    expect(receiver.forOrder("AUTO2")).toHaveLength(0);
  });
});
