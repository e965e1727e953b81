import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface ServiceSpec {
  name: "sandbox" | "intake" | "payer" | "notifier" | "ledger";
  /** Folder of the workspace, relative to the repository root. */
  dir: string;
  portVar: string;
  defaultPort: number;
  /** ANSI colour of the log prefix. */
  colour: number;
}

/** Started in this order; the sandbox first so the payer finds its gateway. */
export const services: readonly ServiceSpec[] = [
  { name: "sandbox", dir: "packages/sandbox", portVar: "SANDBOX_PORT", defaultPort: 3100, colour: 35 },
  { name: "intake", dir: "services/intake", portVar: "INTAKE_PORT", defaultPort: 3000, colour: 36 },
  { name: "payer", dir: "services/payer", portVar: "PAYER_PORT", defaultPort: 3002, colour: 33 },
  { name: "notifier", dir: "services/notifier", portVar: "NOTIFIER_PORT", defaultPort: 3001, colour: 32 },
  { name: "ledger", dir: "services/ledger", portVar: "LEDGER_PORT", defaultPort: 3003, colour: 34 },
];

export function portOf(spec: ServiceSpec, env: Record<string, string | undefined>): number {
  const raw = env[spec.portVar];
  return raw ? Number(raw) : spec.defaultPort;
}
