import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { leaves, ordersListFields, payFields, postForm, queryFields, refundFields, refundQueryFields, sendJson, wechatCode } from "./support/protocol.js";
import { useSandbox } from "./support/start-sandbox.js";

/** The value of one series in the registry's exposition text (0 when absent). */
async function sample(registry: Registry, series: string): Promise<number> {
  const line = (await registry.metrics()).split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe("sandbox metrics", () => {
  const registry = new Registry();
  const running = useSandbox({ registry, refundMs: 20 });
  const pay = (orderNumber: string, digit: number) =>
    postForm(`${running.base}/gateway/directservice/pay`, payFields({ order_number: orderNumber, pay_accountNumber: wechatCode(digit), noticeUrl: running.receiver.url }));

  it("counts requests by endpoint and outcome, charges and notices on the registry it is given", async () => {
    await pay("M-OK", 0);
    await pay("M-DECLINED", 8);
    await postForm(`${running.base}/service/check/normal`, queryFields(["M-OK"]));
    await running.receiver.waitFor("M-OK", 1);
    await running.receiver.waitFor("M-DECLINED", 1);
    await running.sandbox.notices.idle();

    await sendJson(`${running.base}/sandbox/faults`, "POST", { errorRate: 1 });
    expect((await pay("M-FAULT", 0)).status).toBe(500);
    await sendJson(`${running.base}/sandbox/faults`, "POST", { errorRate: 0, noticeDrop: true });
    await pay("M-DROP", 0);
    await sendJson(`${running.base}/sandbox/faults`, "DELETE");

    expect(await sample(registry, 'sandbox_requests_total{endpoint="pay",outcome="answered"}')).toBe(3);
    expect(await sample(registry, 'sandbox_requests_total{endpoint="pay",outcome="error"}')).toBe(1);
    expect(await sample(registry, 'sandbox_requests_total{endpoint="query",outcome="answered"}')).toBe(1);
    // M-OK and M-DROP were charged; the declined and the faulted one were not.
    expect(await sample(registry, "sandbox_charges_total")).toBe(2);
    expect(await sample(registry, 'sandbox_notices_total{result="delivered"}')).toBe(2);
    expect(await sample(registry, 'sandbox_notices_total{result="dropped"}')).toBe(1);
  });

  it("counts refund calls, the order list and refunds filed, paid out and failed", async () => {
    const paid = leaves((await pay("M-REFUND", 0)).body);
    const refund = async (amount: string) => leaves((await postForm(`${running.base}/service/applyRefund`, refundFields(paid.payment_id ?? "", amount, "MR"))).body);
    const paidOut = await refund("1.00");
    await running.receiver.waitForRefund(paidOut.refund_id ?? "", 1);
    await sendJson(`${running.base}/sandbox/balance`, "POST", { sufficient: false });
    const failed = await refund("2.00");
    expect((await sendJson(`${running.base}/sandbox/refunds/${failed.refund_id}/fail`, "POST")).status).toBe(200);
    await sendJson(`${running.base}/sandbox/balance`, "POST", { sufficient: true });
    await postForm(`${running.base}/service/queryRefund`, refundQueryFields(paidOut.refund_id ?? ""));
    await postForm(`${running.base}/service/QueryOrdersList`, ordersListFields("2024-05-27 00:00:00", "2024-05-27 23:59:59"));

    expect(await sample(registry, 'sandbox_requests_total{endpoint="refund",outcome="answered"}')).toBe(2);
    expect(await sample(registry, 'sandbox_requests_total{endpoint="refundQuery",outcome="answered"}')).toBe(1);
    expect(await sample(registry, 'sandbox_requests_total{endpoint="ordersList",outcome="answered"}')).toBe(1);
    expect(await sample(registry, 'sandbox_refunds_total{event="filed"}')).toBe(2);
    expect(await sample(registry, 'sandbox_refunds_total{event="succeeded"}')).toBe(1);
    expect(await sample(registry, 'sandbox_refunds_total{event="failed"}')).toBe(1);
  });
});
