import QRCode from "qrcode";
import { request } from "undici";
import type { PayCommand } from "./args.js";
import { openEventStream } from "./event-stream.js";

interface PaymentView {
  orderNumber: string;
  status: string;
  barCode?: string;
  gateway?: { code: string; message: string };
}

const finalStatuses = new Set(["succeeded", "failed", "voided"]);

/**
 * `pay`: submits a payment through intake, shows the QR for customer scans, and follows the
 * payment to its final status over the notifier's event stream.
 */
export async function runPay(cmd: PayCommand, say: (line: string) => void): Promise<number> {
  const authorization = `Bearer ${cmd.apiKey}`;
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), cmd.timeoutSec * 1000);
  try {
    let events: Awaited<ReturnType<typeof openEventStream>>;
    try {
      events = await openEventStream(cmd.notifierUrl, cmd.apiKey, abort.signal);
    } catch (err) {
      say((err as Error).message);
      return 1;
    }

    const body = {
      orderNumber: cmd.orderNumber,
      amount: cmd.amount,
      currency: cmd.currency,
      mode: cmd.mode,
      ...(cmd.mode === "merchant_scan" ? { authCode: cmd.authCode } : { method: cmd.method }),
    };
    const res = await request(`${cmd.intakeUrl}/v1/payments`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const created = (await res.body.json()) as PaymentView & { error?: { code: string; message: string } };
    if (res.statusCode >= 400) {
      say(`intake refused the payment (${res.statusCode}): ${JSON.stringify(created.error)}`);
      return 1;
    }
    say(`${cmd.orderNumber}: ${cmd.amount} ${cmd.currency} ${cmd.mode} → ${created.status}`);

    let shownQr = false;
    const seen = async (payment: PaymentView): Promise<boolean> => {
      say(`${payment.orderNumber}: ${payment.status}${payment.gateway ? ` (${payment.gateway.code} ${payment.gateway.message})` : ""}`);
      if (payment.status === "awaiting_customer" && payment.barCode && !shownQr) {
        shownQr = true;
        say(await QRCode.toString(payment.barCode, { type: "terminal", small: true }));
        say(`scan with the wallet: ${payment.barCode}`);
        if (cmd.simulateCustomer) {
          const scan = await request(`${cmd.sandboxUrl}/sandbox/scan`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ orderNumber: payment.orderNumber, outcome: "succeeded" }),
          });
          say(`sandbox customer paid (${scan.statusCode})`);
          await scan.body.dump();
        }
      }
      return finalStatuses.has(payment.status) || payment.status === "needs_review";
    };

    for await (const event of events) {
      // Payment transitions only: refund and risk notice events share the stream.
      if (!event.type.startsWith("payment.") || event.type === "payment.risk_notice") continue;
      const payment = event.data as unknown as PaymentView;
      if (payment.orderNumber !== cmd.orderNumber) continue;
      if (await seen(payment)) return payment.status === "succeeded" ? 0 : 1;
    }
    say(`${cmd.orderNumber}: no final status within ${cmd.timeoutSec} s`);
    return 1;
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
}
