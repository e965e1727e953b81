import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { OceanpaymentClient, buildOrdersListForm, classifyOrdersListResponse, formValue, type OrdersListOutcome } from "../../src/oceanpayment/index.js";
import { type FakeGateway, startFakeGateway } from "./fake-gateway.js";

// Independent of the code under test: the rule written out (values joined, secureCode last).
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Oceanpayment's published answer of `/service/QueryOrdersList` (packages/sandbox/test/fixtures/query-orders-list-answer.xml), verbatim. */
const publishedAnswer = `<?xml version="1.0" encoding="UTF-8"?>
<response>
<account>995149</account>
<terminal>99514901</terminal>
<signValue>EB7DBDF91F14C9453B73DD69029C830CA99BDAB7AF6447BFFB49837F0024F202</signValue>
<results>00</results>
<details>Success</details>
<count>2</count>
<totalpages>1</totalpages>
<pages>1</pages>
<orderInfo>
<account>995149</account>
<terminal>99514901</terminal>
<payment_id>240527141641780010530</payment_id>
<order_number>test20240527141619</order_number>
<order_currency>HKD</order_currency>
<order_amount>0.10</order_amount>
<methods>Credit Card</methods>
<payment_dateTime>2024-05-27 14:16:41</payment_dateTime>
</orderInfo>
<orderInfo>
<account>995149</account>
<terminal>99514901</terminal>
<payment_id>240527091159911010575</payment_id>
<order_number>test20240527091152</order_number>
<order_currency>HKD</order_currency>
<order_amount>0.10</order_amount>
<methods>Credit Card</methods>
<payment_dateTime>2024-05-27 09:12:00</payment_dateTime>
</orderInfo>
</response>
`;

const secureCode = "12345678";
const expected = { account: "995149", terminal: "99514901", secureCode, page: 1 };

/**
 * The published answer re-signed under the assumed header string (account, terminal, results,
 * details, count, totalpages, pages, then the secureCode), with `edit` applied to the text first.
 */
function resigned(edit: (xml: string) => string = (xml) => xml, header = { results: "00", details: "Success", count: "2", totalpages: "1", pages: "1" }): string {
  const value = sha256(`995149` + `99514901` + header.results + header.details + header.count + header.totalpages + header.pages + secureCode).toUpperCase();
  return edit(publishedAnswer.replace(/<signValue>[^<]*<\/signValue>/, `<signValue>${value}</signValue>`));
}

const page = (outcome: OrdersListOutcome) => {
  if (outcome.kind !== "page") throw new Error(`expected a page, got ${outcome.kind}: ${"message" in outcome ? outcome.message : ""}`);
  return outcome;
};

describe("QueryOrdersList request", () => {
  it("signs the Postman collection's vector over account, terminal and the dates; pages is unsigned", () => {
    const credentials = { account: "995378", terminal: "99537801", secureCode };
    const form = buildOrdersListForm(credentials, { begin: "2023-12-25 15:29:42", end: "2023-12-26 15:29:45", page: 3 });
    expect(form.map(([name]) => name)).toEqual(["account", "terminal", "order_beginDate", "order_endDate", "pages", "signValue"]);
    expect(formValue(form, "pages")).toBe("3");
    expect(formValue(form, "signValue")).toBe("3bf8550e7773b414a35ac966e5855d8781c5264224dfdb9418f13ceefb79ebda");
  });

  it("refuses a date that is not yyyy-mm-dd HH:mm:ss, a begin after the end, a page below 1", () => {
    const credentials = { account: "995149", terminal: "99514901", secureCode };
    expect(() => buildOrdersListForm(credentials, { begin: "2024-05-27T00:00:00", end: "2024-05-27 23:59:59", page: 1 })).toThrow(/order_beginDate/);
    expect(() => buildOrdersListForm(credentials, { begin: "2024-05-28 00:00:00", end: "2024-05-27 23:59:59", page: 1 })).toThrow(/order_endDate/);
    expect(() => buildOrdersListForm(credentials, { begin: "2024-05-27 00:00:00", end: "2024-05-27 23:59:59", page: 0 })).toThrow(/pages/);
  });
});

describe("QueryOrdersList answer", () => {
  it("reads the published answer's lines once the header's signature verifies", () => {
    const outcome = page(classifyOrdersListResponse(resigned(), 200, expected));
    expect(outcome).toMatchObject({ page: 1, count: 2, totalPages: 1 });
    expect(outcome.orders).toEqual([
      { paymentId: "240527141641780010530", orderNumber: "test20240527141619", currency: "HKD", amount: "0.1", method: "Credit Card", dateTime: "2024-05-27 14:16:41" },
      { paymentId: "240527091159911010575", orderNumber: "test20240527091152", currency: "HKD", amount: "0.1", method: "Credit Card", dateTime: "2024-05-27 09:12:00" },
    ]);
  });

  it("refuses the published answer as published: its signValue's string is unknown, so nothing is believed", () => {
    expect(classifyOrdersListResponse(publishedAnswer, 200, expected)).toMatchObject({ kind: "ambiguous", reason: "signature_invalid" });
  });

  it("refuses a signed header whose count was moved (the signature covers it)", () => {
    const moved = resigned((xml) => xml.replace("<count>2</count>", "<count>3</count>"));
    expect(classifyOrdersListResponse(moved, 200, expected)).toMatchObject({ kind: "ambiguous", reason: "signature_invalid" });
  });

  it.each([
    ["an amount that is not a positive decimal", (xml: string) => xml.replace("<order_amount>0.10</order_amount>", "<order_amount>0.1O</order_amount>"), /order_amount/],
    ["a time that is not yyyy-mm-dd HH:mm:ss", (xml: string) => xml.replace("2024-05-27 09:12:00", "2024-05-27T09:12:00"), /payment_dateTime/],
    ["a line without its order number", (xml: string) => xml.replace("<order_number>test20240527091152</order_number>", ""), /lacks an element/],
    ["a line of another terminal", (xml: string) => xml.replace("<terminal>99514901</terminal>\n<payment_id>2405270911", "<terminal>99514902</terminal>\n<payment_id>2405270911"), /another account/],
    ["a currency in lower case", (xml: string) => xml.replace("<order_currency>HKD</order_currency>", "<order_currency>hkd</order_currency>"), /order_currency/],
    ["more lines than the count", (xml: string) => xml.replace("</response>", `<orderInfo>${/<orderInfo>([\s\S]*?)<\/orderInfo>/.exec(xml)?.[1]}</orderInfo></response>`), /lines for a count/],
  ])("refuses the whole page for %s", (_what, edit, message) => {
    const outcome = classifyOrdersListResponse(resigned(edit), 200, expected);
    expect(outcome.kind).toBe("ambiguous");
    expect("message" in outcome ? outcome.message : "").toMatch(message);
  });

  it("refuses a page other than the one asked, and a body that is not the document", () => {
    expect(classifyOrdersListResponse(resigned(), 200, { ...expected, page: 2 })).toMatchObject({ kind: "ambiguous", reason: "mismatch" });
    expect(classifyOrdersListResponse("<html>busy</html>", 200, expected)).toMatchObject({ kind: "ambiguous", reason: "unparseable" });
  });

  it("reads an unsigned refusal as a refusal, never as an empty list", () => {
    const refusal = `<response><account>995149</account><terminal>99514901</terminal><signValue></signValue><results>20084</results><details>order_beginDate too old</details><count>0</count><totalpages>0</totalpages><pages>1</pages></response>`;
    expect(classifyOrdersListResponse(refusal, 200, expected)).toEqual({ kind: "refused", code: "20084", details: "order_beginDate too old" });
  });
});

describe("OceanpaymentClient.ordersList", () => {
  let gateway: FakeGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it("posts the signed form to the query host's /service/QueryOrdersList and classifies the answer", async () => {
    gateway = await startFakeGateway((_request, _req, res) => {
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(resigned());
    });
    const client = new OceanpaymentClient({ gatewayUrl: "http://127.0.0.1:9", queryUrl: gateway.url });
    try {
      const outcome = await client.ordersList(expected, { begin: "2024-05-27 00:00:00", end: "2024-05-27 23:59:59", page: 1 });
      expect(page(outcome).orders).toHaveLength(2);
      const [received] = gateway.requests;
      expect(received?.path).toBe("/service/QueryOrdersList");
      expect(received?.form.get("order_beginDate")).toBe("2024-05-27 00:00:00");
      expect(received?.form.get("signValue")).toBe(sha256("995149" + "99514901" + "2024-05-27 00:00:00" + "2024-05-27 23:59:59" + secureCode));
    } finally {
      await client.close();
    }
  });
});
