import { describe, expect, it } from "vitest";
import { GatewayXmlError } from "./errors.js";
import { parseGatewayXml } from "./xml-parser.js";

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<response><payment_details>&lol9;</payment_details></response>`;

const xxe = `<?xml version="1.0"?>
<!DOCTYPE response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<response><payment_details>&xxe;</payment_details></response>`;

function expectXmlError(input: string | Uint8Array, pattern: RegExp, options?: Parameters<typeof parseGatewayXml>[1]): void {
  let thrown: unknown;
  try {
    parseGatewayXml(input, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(GatewayXmlError);
  expect((thrown as GatewayXmlError).code).toBe("gateway_xml_invalid");
  expect((thrown as GatewayXmlError).message).toMatch(pattern);
}

describe("parseGatewayXml: hostile input", () => {
  it("refuses a billion-laughs entity bomb without expanding it", () => {
    expectXmlError(billionLaughs, /DTD or an entity/);
  });

  it("refuses an external entity (XXE)", () => {
    expectXmlError(xxe, /DTD or an entity/);
  });

  it("refuses a lone entity declaration and a lower-case doctype", () => {
    expectXmlError(`<response><!ENTITY a "b"></response>`, /DTD or an entity/);
    expectXmlError(`<!doctype response><response/>`, /DTD or an entity/);
  });

  it("refuses a 10 MB document before parsing it", () => {
    const huge = `<response><order_notes>${"a".repeat(10 * 1024 * 1024)}</order_notes></response>`;
    expectXmlError(huge, /exceeds the 65536-byte limit/);
    expectXmlError(Buffer.from(huge), /exceeds the 65536-byte limit/);
  });

  it("applies a configured size limit", () => {
    const doc = `<response><a>${"b".repeat(200)}</a></response>`;
    expectXmlError(doc, /exceeds the 100-byte limit/, { maxBytes: 100 });
    expect(parseGatewayXml(doc, { maxBytes: 1000 }).a).toBe("b".repeat(200));
  });

  it("refuses unclosed and mismatched tags", () => {
    expectXmlError("<response><payment_status>1</payment_status>", /malformed/);
    expectXmlError("<response><payment_status>1</response>", /malformed/);
  });

  it("refuses garbage bytes and invalid UTF-8", () => {
    expectXmlError(Buffer.from([0xff, 0xfe, 0x00, 0x3c, 0x9f]), /UTF-8/);
    expectXmlError("\u0000\u0001garbage<<>>", /malformed/);
    expectXmlError("<html><body>502 Bad Gateway</body></html>", /single <response> root/);
    expectXmlError("", /malformed|root/);
  });

  it("refuses trailing content and a text-only response", () => {
    expectXmlError("<response><a>1</a></response>trailing", /malformed/);
    expectXmlError("<response>just text</response>", /no elements/);
  });

  it("refuses a prototype-polluting element name", () => {
    expectXmlError("<response><__proto__><polluted>1</polluted></__proto__></response>", /could not be parsed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parseGatewayXml: values kept as received", () => {
  const doc = `<?xml version="1.0" encoding="UTF-8"?>
<response>
  <order_amount>0.01</order_amount>
  <payment_id>007</payment_id>
  <payment_status>-1</payment_status>
  <big>12345678901234567890123</big>
  <order_notes></order_notes>
  <card_number/>
  <spaced> a b </spaced>
  <details>80000:A &amp; B &lt;ok&gt; &#233; &amp;lt;</details>
  <flag>true</flag>
</response>`;

  it("keeps amounts, leading zeros, signs and long numbers as exact strings", () => {
    const out = parseGatewayXml(doc);
    expect(out.order_amount).toBe("0.01");
    expect(out.payment_id).toBe("007");
    expect(out.payment_status).toBe("-1");
    expect(out.big).toBe("12345678901234567890123");
    expect(out.flag).toBe("true");
  });

  it("turns empty elements into empty strings and keeps inner spacing", () => {
    const out = parseGatewayXml(doc);
    expect(out.order_notes).toBe("");
    expect(out.card_number).toBe("");
    expect(out.spaced).toBe(" a b ");
    expect(Object.keys(out)).not.toContain("#text");
  });

  it("decodes only the predefined entities, once", () => {
    expect(parseGatewayXml(doc).details).toBe("80000:A & B <ok> é &lt;");
  });

  it("makes configured paths arrays even with one element", () => {
    const one = parseGatewayXml("<response><paymentInfo><payment_id>1</payment_id></paymentInfo></response>", {
      arrayPaths: ["response.paymentInfo"],
    });
    expect(one.paymentInfo).toEqual([{ payment_id: "1" }]);
  });

  it("makes a repeated element an array in document order, and keeps text beside elements that is not layout", () => {
    const out = parseGatewayXml(`<response>
  <paymentInfo><payment_id>1</payment_id></paymentInfo>
  <paymentInfo><payment_id>2</payment_id><note> a </note></paymentInfo>
  <mixed>x &amp; <b>1</b> y</mixed>
</response>`);
    expect(out.paymentInfo).toEqual([{ payment_id: "1" }, { payment_id: "2", note: " a " }]);
    expect(out.mixed).toEqual({ "#text": "x &  y", b: "1" });
    expect(Object.keys(out)).toEqual(["paymentInfo", "mixed"]);
  });

  it("returns an empty object for an empty response", () => {
    expect(parseGatewayXml("<response/>")).toEqual({});
  });
});
