import { describe, expect, it } from "vitest";
import { productLines } from "./product-rules.js";

const lines = (fields: Record<string, string>) => {
  const result = productLines(fields);
  return Array.isArray(result) ? result : result.code;
};

describe("productLines: several products joined with ';'", () => {
  it("reads one item per ';'-separated value", () => {
    expect(lines({ productName: "Red Dress;Tea", productSku: "#001;T-1", productPrice: "0.01;2.50", productNum: "1;3" })).toEqual([
      { name: "Red Dress", sku: "#001", price: "0.01", quantity: "1" },
      { name: "Tea", sku: "T-1", price: "2.50", quantity: "3" },
    ]);
  });

  it("accepts the face-to-face sample's single product and empty SKUs", () => {
    expect(lines({ productName: "Red Dress", productSku: "#001", productPrice: "0.01", productNum: "1" })).toHaveLength(1);
    expect(lines({ productName: "A;B", productSku: ";", productPrice: "1;2", productNum: "1;1" })).toHaveLength(2);
  });

  it("accepts a request with no product field at all", () => {
    expect(lines({})).toEqual([]);
  });

  it.each([
    ["a name more than the others", { productName: "A;B", productSku: "1", productPrice: "1.00", productNum: "1" }],
    ["a field missing for two items", { productName: "A;B", productPrice: "1.00;2.00", productNum: "1;1" }],
    ["items joined with ',' (prices no longer decimals)", { productName: "A,B", productSku: "1,2", productPrice: "1.00,2.00", productNum: "1,1" }],
    ["a quantity of 0", { productName: "A", productSku: "1", productPrice: "1.00", productNum: "0" }],
    ["a price with 3 decimals", { productName: "A", productSku: "1", productPrice: "1.005", productNum: "1" }],
  ])("refuses %s with 20075", (_name, fields) => {
    expect(lines(fields)).toBe("20075");
  });
});
