import { describe, expect, it } from "vitest";
import { watchPay } from "./pay-watch.js";

/** A promise settled by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("watchPay", () => {
  it("asks nothing about a call that answers before afterMs", async () => {
    let asked = 0;
    const watched = await watchPay(Promise.resolve("paid"), { afterMs: 50, ask: async () => ((asked += 1), "open"), delayAfter: () => 10 });
    await new Promise((r) => setTimeout(r, 80));
    expect(watched).toEqual({ outcome: "paid", settledMeanwhile: false });
    expect(asked).toBe(0);
  });

  it("leaves no timer behind once the call answers", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const pay = deferred<string>();
    const watching = watchPay(pay.promise, { afterMs: 60_000, ask: async () => "open", delayAfter: () => 60_000 });
    expect(timers()).toBe(before + 1);
    pay.resolve("paid");
    expect(await watching).toEqual({ outcome: "paid", settledMeanwhile: false });
    expect(timers()).toBe(before);
  });

  it("asks after afterMs, again after each delay, and stops asking once a question settles the payment", async () => {
    const pay = deferred<string>();
    const asked: string[] = [];
    const answers = ["unanswered", "open", "settled"] as const;
    const delays: string[] = [];
    const watching = watchPay(pay.promise, {
      afterMs: 10,
      ask: async () => {
        const answer = answers[asked.length] ?? "open";
        asked.push(answer);
        if (answer === "unanswered") throw new Error("no answer");
        return answer;
      },
      delayAfter: (last) => (delays.push(last), 10),
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(asked).toEqual(["unanswered", "open", "settled"]);
    expect(delays).toEqual(["unanswered", "open"]);
    pay.resolve("timeout");
    expect(await watching).toEqual({ outcome: "timeout", settledMeanwhile: true });
  });

  it("stops asking when the call answers", async () => {
    const pay = deferred<string>();
    let asked = 0;
    const watching = watchPay(pay.promise, { afterMs: 10, ask: async () => ((asked += 1), "open"), delayAfter: () => 10 });
    await new Promise((r) => setTimeout(r, 45));
    pay.resolve("paid");
    const watched = await watching;
    const seen = asked;
    await new Promise((r) => setTimeout(r, 50));
    expect(watched.settledMeanwhile).toBe(false);
    expect(seen).toBeGreaterThan(0);
    expect(asked).toBe(seen);
  });
});
