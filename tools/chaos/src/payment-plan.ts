/** How a planned payment is expected to end, from the sandbox's scripted outcomes. */
export type Scenario =
  | "instant" // merchant_scan, code ending 0–6: succeeds at once
  | "delayed" // merchant_scan, code ending 7: pending, then succeeds
  | "declined" // merchant_scan, code ending 8: fails
  | "qr" // customer_scan: paid automatically by the sandbox
  | "qr_void" // customer_scan voided by the POS while the customer pays: either may win
  | "bait"; // merchant_scan, code ending 9: pending until the POS voids it; the forged-notice attacker's steady target

export type FinalStatus = "succeeded" | "failed" | "voided";

export interface DemoStore {
  storeId: string;
  apiKey: string;
}

/** The demo stores of `config/stores.example.json`. */
export const demoStores: readonly DemoStore[] = [
  { storeId: "demo-store", apiKey: "demo-key" },
  { storeId: "demo-store-2", apiKey: "demo-key-2" },
];

export interface PlannedPayment {
  orderNumber: string;
  store: DemoStore;
  body: Record<string, unknown>;
  scenario: Scenario;
  /** Final statuses that are correct for this scenario. */
  expected: readonly FinalStatus[];
  /** Sent twice at once (idempotency under concurrent duplicates). */
  duplicate: boolean;
}

export interface PlanOptions {
  count: number;
  /** Unique per run: order numbers never collide with another run's (both stores share one terminal). */
  runId: string;
  random?: () => number;
  /** Share of customer_scan payments; default 0.4. */
  qrShare?: number;
  /** Share of customer_scan payments the POS tries to void; default 0.05. */
  voidShare?: number;
  /** Share of payments sent twice concurrently; default 0.02. */
  duplicateShare?: number;
  /** Baits (never charged, voided by the POS at the end), spread evenly over the first `baitsWithin` payments; default 0. */
  baits?: number;
  /** Default `count`. */
  baitsWithin?: number;
}

/**
 * The payments of a run: both stores, both modes, merchant_scan codes ending 0–8 (9 stays pending
 * for ever: only the baits end in 9, and the run voids them), WeChat and Alipay codes, amounts
 * with cents.
 */
export function planPayments(o: PlanOptions): PlannedPayment[] {
  const random = o.random ?? Math.random;
  const qrShare = o.qrShare ?? 0.4;
  const voidShare = o.voidShare ?? 0.05;
  const duplicateShare = o.duplicateShare ?? 0.02;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
  const baitsWithin = Math.min(o.count, o.baitsWithin ?? o.count);
  const baitAt = new Set(Array.from({ length: Math.min(o.baits ?? 0, baitsWithin) }, (_, k) => Math.floor(((k + 0.5) * baitsWithin) / (o.baits ?? 1))));
  const plan: PlannedPayment[] = [];
  for (let i = 0; i < o.count; i++) {
    const store = demoStores[i % demoStores.length] as DemoStore;
    const orderNumber = `CH${o.runId}-${i.toString().padStart(6, "0")}`;
    const amount = `${1 + Math.floor(random() * 500)}.${digits(2)}`;
    const base = { orderNumber, amount, currency: "USD", notes: "chaos" };
    let body: Record<string, unknown>;
    let scenario: Scenario;
    if (baitAt.has(i)) {
      scenario = "bait";
      body = { ...base, mode: "merchant_scan", authCode: `13${digits(15)}9` };
    } else if (random() < qrShare) {
      scenario = random() < voidShare ? "qr_void" : "qr";
      body = { ...base, mode: "customer_scan", method: random() < 0.5 ? "WeChatPay_Offline" : "Alipay_Offline" };
    } else {
      const last = Math.floor(random() * 9); // 0–8
      scenario = last <= 6 ? "instant" : last === 7 ? "delayed" : "declined";
      // WeChat: 18 digits starting 10–15; Alipay: 16–24 digits starting 25–30.
      const authCode = random() < 0.5 ? `13${digits(15)}${last}` : `28${digits(13)}${last}`;
      body = { ...base, mode: "merchant_scan", authCode };
      if (random() < 0.3) body.items = [{ name: "Item", sku: "#001", price: amount, quantity: 1 }];
    }
    plan.push({ orderNumber, store, body, scenario, expected: expectedOf(scenario), duplicate: random() < duplicateShare });
  }
  return plan;
}

export function expectedOf(scenario: Scenario): readonly FinalStatus[] {
  switch (scenario) {
    case "instant":
    case "delayed":
    case "qr":
      return ["succeeded"];
    case "declined":
      return ["failed"];
    case "qr_void":
      return ["succeeded", "voided"];
    case "bait":
      return ["voided"];
    default:
      return scenario satisfies never;
  }
}
