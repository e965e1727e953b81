import QRCode from "qrcode";
import { request } from "undici";
import { type PayCommand, parsePosArgs, usage } from "./args.js";
import { EventStream } from "./sse-events.js";

/**
 * The POS demo: submits a payment through intake, shows the QR for customer scans, and follows
 * the payment to its final status over the notifier's event stream.
 */
interface PaymentView {
  orderNumber: string;
  status: string;
  barCode?: string;
  gateway?: { code: string; message: string };
}

const finalStatuses = new Set(["succeeded", "failed", "voided"]);
const paymentEvents = ["accepted", "submitting", "awaiting_customer", "pending", "succeeded", "failed", "voided", "needs_review"].map((s) => `payment.${s}`);
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let cmd: PayCommand;
  try {
    const parsed = parsePosArgs(process.argv.slice(2), process.env);
    if (parsed.command === "help") {
      say(usage);
      return 0;
    }
    cmd = parsed;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const auth = { authorization: `Bearer ${cmd.apiKey}` };

  // Subscribe before submitting, so no transition can slip past unseen.
  let stream: EventStream;
  try {
    stream = await EventStream.open({ url: `${cmd.notifierUrl}/v1/events/stream`, token: cmd.apiKey, types: paymentEvents });
  } catch (err) {
    say(`cannot follow events: ${(err as Error).message}`);
    return 1;
  }
  const deadline = setTimeout(() => stream.close(), cmd.timeoutSec * 1000);

  const body = {
    orderNumber: cmd.orderNumber,
    amount: cmd.amount,
    currency: cmd.currency,
    mode: cmd.mode,
    ...(cmd.mode === "merchant_scan" ? { authCode: cmd.authCode } : { method: cmd.method }),
  };
  const res = await request(`${cmd.intakeUrl}/v1/payments`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const created = (await res.body.json()) as PaymentView & { error?: { code: string; message: string } };
  if (res.statusCode >= 400) {
    say(`intake refused the payment (${res.statusCode}): ${JSON.stringify(created.error)}`);
    clearTimeout(deadline);
    stream.close();
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

  for await (const event of stream) {
    const payment = (JSON.parse(event.data) as { data?: PaymentView }).data;
    if (payment?.orderNumber !== cmd.orderNumber) continue;
    if (await seen(payment)) {
      clearTimeout(deadline);
      stream.close();
      return payment.status === "succeeded" ? 0 : 1;
    }
  }
  say(`${cmd.orderNumber}: no final status within ${cmd.timeoutSec} s`);
  return 1;
}

process.exitCode = await main();
