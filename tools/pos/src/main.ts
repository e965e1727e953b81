import { parsePosArgs, usage } from "./args.js";
import { runPay } from "./pay.js";
import { runRefund } from "./refund.js";

/**
 * The POS demo: `pay` submits a payment through intake (showing the QR for customer scans) and
 * `refund` refunds a succeeded one; each follows what it started to its final status over the
 * notifier's event stream.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let cmd: ReturnType<typeof parsePosArgs>;
  try {
    cmd = parsePosArgs(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  switch (cmd.command) {
    case "help":
      say(usage);
      return 0;
    case "pay":
      return runPay(cmd, say);
    case "refund":
      return runRefund(cmd, say);
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

process.exitCode = await main();
