import { describe, expect, it } from "vitest";
import { UrlGuard, UrlRefusedError } from "./url-guard.js";

// What an operator can type when saving a subscription: IP-literal URLs in the IPv6 forms that
// embed or reach an inward IPv4 address, and host names that resolve to them.
describe("UrlGuard.check", () => {
  const guard = (answer: string) =>
    new UrlGuard({ allowPrivate: false, resolve: async () => [{ address: answer, family: answer.includes(":") ? 6 : 4 }] });

  it.each([
    "http://[::127.0.0.1]/hook",
    "http://[0:0:0:0:0:0:7f00:1]:8080/hook",
    "https://[2002:7f00:1::]/hook",
    "https://[2002:a00:1::1]/hook",
    "http://[64:ff9b:1::a00:1]/hook",
    "http://[64:ff9b:1::10.0.0.1]/hook",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
  ])("refuses the URL %s", async (url) => {
    await expect(guard("93.184.215.14").check(url)).rejects.toBeInstanceOf(UrlRefusedError);
  });

  it.each(["::127.0.0.1", "2002:7f00:1::", "64:ff9b:1::7f00:1", "2001::1", "::7F00:1%eth0"])(
    "refuses a host name that resolves to %s, naming the address",
    async (answer) => {
      const refusal = guard(answer).check("https://hooks.example.com/x");
      await expect(refusal).rejects.toBeInstanceOf(UrlRefusedError);
      await expect(refusal).rejects.toThrow(answer);
    },
  );
});
