import QRCode from "qrcode";
import { request } from "undici";
import { type PayCommand, parsePosArgs, usage } from "./args.js";
import { SseParser } from "./sse-events.js";

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
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), cmd.timeoutSec * 1000);

  // Subscribe before submitting, so no transition can slip past unseen.
  const stream = await request(`${cmd.notifierUrl}/v1/events/stream`, { headers: { ...auth, accept: "text/event-stream" }, signal: abort.signal, bodyTimeout: 0 });
  if (stream.statusCode !== 200) {
    say(`cannot follow events: the notifier answered ${stream.statusCode} ${await stream.body.text()}`);
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
    headers: { ...auth, "content-type": "application/json" },
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

  const parser = new SseParser();
  try {
    for await (const chunk of stream.body) {
      for (const event of parser.push(chunk.toString())) {
        const payment = (JSON.parse(event.data) as { data?: PaymentView }).data;
        if (payment?.orderNumber !== cmd.orderNumber) continue;
        if (await seen(payment)) {
          clearTimeout(deadline);
          abort.abort();
          return payment.status === "succeeded" ? 0 : 1;
        }
      }
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  }
  say(`${cmd.orderNumber}: no final status within ${cmd.timeoutSec} s`);
  return 1;
}

process.exitCode = await main();
