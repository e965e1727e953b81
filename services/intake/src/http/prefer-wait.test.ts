import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "@oceanpos/core/http";
import { parsePreferWait } from "./prefer-wait.js";

describe("parsePreferWait", () => {
  it.each([
    [undefined, undefined],
    ["respond-async", undefined],
    ["wait=0", 0],
    ["wait=30", 30],
    ["respond-async, wait=5", 5],
    ['Wait="7"', 7],
    [["return=representation", "wait=3;foo=bar"], 3],
  ] as const)("reads %j as %j", (header, expected) => {
    expect(parsePreferWait(header as string | string[] | undefined)).toBe(expected);
  });

  it.each(["wait=31", "wait=", "wait", "wait=1.5", "wait=-1", "wait=1e1", "wait=1, wait=2"])("refuses %j", (header) => {
    expect(() => parsePreferWait(header)).toThrow(InvalidRequestError);
  });
});
