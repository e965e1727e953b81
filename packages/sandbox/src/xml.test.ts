import { describe, expect, it } from "vitest";
import { escapeXml, xmlDocument } from "./xml.js";

describe("escapeXml", () => {
  it("escapes markup characters and drops characters XML cannot carry", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
    expect(escapeXml("x\u0000y\u0007z")).toBe("xyz");
    expect(escapeXml("täst 中文 😀")).toBe("täst 中文 😀");
  });
});

describe("xmlDocument", () => {
  it("renders nested elements with escaped values", () => {
    const xml = xmlDocument("response", [
      ["order_notes", "<script>"],
      ["paymentInfo", [["payment_id", "1"]]],
    ]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<response>\n  <order_notes>&lt;script&gt;</order_notes>\n' +
        "  <paymentInfo>\n    <payment_id>1</payment_id>\n  </paymentInfo>\n</response>\n",
    );
  });
});

describe("xmlDocument with self-closing empty elements", () => {
  it("writes an empty leaf as <name /> and keeps non-empty ones", () => {
    const xml = xmlDocument("response", [["paymentInfo", [["order_notes", ""], ["payment_id", "1"]]]], "selfClosing");
    expect(xml).toContain("    <order_notes />\n    <payment_id>1</payment_id>\n");
  });
});
