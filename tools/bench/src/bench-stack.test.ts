import { describe, expect, it } from "vitest";
import { imageNodeOptions } from "./bench-stack.js";

describe("imageNodeOptions", () => {
  it("reads the heap limit the Dockerfile gives the services", () => {
    expect(imageNodeOptions()).toMatch(/--max-old-space-size=\d+/);
  });
});
