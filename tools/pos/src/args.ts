import { parseArgs } from "node:util";

export interface PayCommand {
  command: "pay";
  amount: string;
  currency: string;
  mode: "merchant_scan" | "customer_scan";
  method: "WeChatPay_Offline" | "Alipay_Offline";
  authCode?: string;
  orderNumber: string;
  simulateCustomer: boolean;
  intakeUrl: string;
  notifierUrl: string;
  sandboxUrl: string;
  apiKey: string;
  timeoutSec: number;
}

/** `refund`: refunds part or all of a succeeded payment and follows the refund to its final status. */
export interface RefundCommand {
  command: "refund";
  orderNumber: string;
  amount: string;
  refundNumber: string;
  reason?: string;
  intakeUrl: string;
  notifierUrl: string;
  apiKey: string;
  timeoutSec: number;
}

export const usage = `usage: npm run pos -- pay --amount 12.50 [options]
       npm run pos -- refund --order <orderNumber> --amount 5.00 [options]

  --amount <decimal>       amount as a decimal string (required), e.g. 12.50
  --currency <ISO 4217>    default USD
  --mode <mode>            merchant_scan (default) or customer_scan
  --method <wallet>        WeChatPay_Offline (default) or Alipay_Offline
  --auth-code <digits>     the wallet code the POS scanned (merchant_scan); default a WeChat
                           code ending in 0, which the sandbox approves (7 pending, 8 declined)
  --order <orderNumber>    default POS-<time>
  --simulate-customer      customer_scan: the sandbox customer pays the QR
  --api-key <key>          default $POS_API_KEY or demo-key
  --timeout <seconds>      how long to follow the payment, default 60
  --intake <url>           default $INTAKE_URL or http://127.0.0.1:3000
  --notifier <url>         default $NOTIFIER_URL or http://127.0.0.1:3001
  --sandbox <url>          default $SANDBOX_URL or http://127.0.0.1:3100

refund options (with --api-key, --timeout, --intake, --notifier above):
  --order <orderNumber>    the succeeded payment to refund (required)
  --amount <decimal>       the amount to refund, in the payment's currency (required)
  --refund-number <id>     default R-<time>; sending the same one again is a replay, not a second refund
  --reason <text>          why (becomes the gateway's refund_description)`;

const options = {
  amount: { type: "string" },
  currency: { type: "string", default: "USD" },
  mode: { type: "string", default: "merchant_scan" },
  method: { type: "string", default: "WeChatPay_Offline" },
  "auth-code": { type: "string" },
  order: { type: "string" },
  "simulate-customer": { type: "boolean", default: false },
  "api-key": { type: "string" },
  timeout: { type: "string", default: "60" },
  intake: { type: "string" },
  notifier: { type: "string" },
  sandbox: { type: "string" },
  "refund-number": { type: "string" },
  reason: { type: "string" },
} as const;

/** `--help` or `-h` anywhere: print {@link usage}. */
export interface HelpCommand {
  command: "help";
}

/** Parses `pay …`, `refund …` (or `--help`); throws an Error whose message is meant for the user. */
export function parsePosArgs(argv: readonly string[], env: Record<string, string | undefined>, now = Date.now()): PayCommand | RefundCommand | HelpCommand {
  if (argv.includes("--help") || argv.includes("-h")) return { command: "help" };
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options });
  } catch (err) {
    // Node's own wording ("To specify a positional argument starting with a '-'…") misleads here.
    const unknown = /Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    throw new Error(`${unknown ? `unknown option ${unknown}` : (err as Error).message}\n\n${usage}`);
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== "pay" && positionals[0] !== "refund") throw new Error(`unknown command ${positionals[0] ?? "(none)"}\n\n${usage}`);
  if (!values.amount || !/^\d+(\.\d{1,2})?$/.test(values.amount)) throw new Error(`--amount must be a decimal string such as 12.50\n\n${usage}`);
  const timeoutSec = Number(values.timeout);
  if (!Number.isInteger(timeoutSec) || timeoutSec < 1) throw new Error("--timeout must be a whole number of seconds");
  const endpoints = {
    intakeUrl: values.intake ?? env.INTAKE_URL ?? "http://127.0.0.1:3000",
    notifierUrl: values.notifier ?? env.NOTIFIER_URL ?? "http://127.0.0.1:3001",
    apiKey: values["api-key"] ?? env.POS_API_KEY ?? "demo-key",
    timeoutSec,
  };
  if (positionals[0] === "refund") {
    if (!values.order) throw new Error(`--order must name the payment to refund\n\n${usage}`);
    return {
      command: "refund",
      orderNumber: values.order,
      amount: values.amount,
      refundNumber: values["refund-number"] ?? `R-${now}`,
      ...(values.reason !== undefined ? { reason: values.reason } : {}),
      ...endpoints,
    };
  }
  if (values.mode !== "merchant_scan" && values.mode !== "customer_scan") throw new Error("--mode must be merchant_scan or customer_scan");
  if (values.method !== "WeChatPay_Offline" && values.method !== "Alipay_Offline") throw new Error("--method must be WeChatPay_Offline or Alipay_Offline");
  const defaultCode = values.method === "Alipay_Offline" ? "280000000000000000" : "130000000000000000";
  return {
    command: "pay",
    amount: values.amount,
    currency: values.currency ?? "USD",
    mode: values.mode,
    method: values.method,
    ...(values.mode === "merchant_scan" ? { authCode: values["auth-code"] ?? defaultCode } : {}),
    orderNumber: values.order ?? `POS-${now}`,
    simulateCustomer: values["simulate-customer"] ?? false,
    sandboxUrl: values.sandbox ?? env.SANDBOX_URL ?? "http://127.0.0.1:3100",
    ...endpoints,
  };
}
