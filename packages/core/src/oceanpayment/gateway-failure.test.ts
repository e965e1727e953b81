import { errors } from "undici";
import { describe, expect, it } from "vitest";
import { classifyHttpStatus, classifyTransportError } from "./gateway-failure.js";

const systemError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe("classifyTransportError", () => {
  it.each([
    ["ECONNREFUSED", systemError("ECONNREFUSED")],
    ["ENOTFOUND", systemError("ENOTFOUND")],
    ["EAI_AGAIN", systemError("EAI_AGAIN")],
    ["UND_ERR_CONNECT_TIMEOUT", new errors.ConnectTimeoutError()],
    ["happy-eyeballs, all refused", new AggregateError([systemError("ECONNREFUSED"), systemError("ECONNREFUSED")])],
  ])("%s: provably not sent, retryable", (_label, error) => {
    expect(classifyTransportError(error, false)).toMatchObject({ kind: "retryable", reason: "not_sent" });
  });

  it.each([
    ["UND_ERR_HEADERS_TIMEOUT", new errors.HeadersTimeoutError(), "timeout"],
    ["UND_ERR_BODY_TIMEOUT", new errors.BodyTimeoutError(), "timeout"],
    ["UND_ERR_SOCKET", new errors.SocketError("other side closed"), "maybe_sent"],
    ["UND_ERR_ABORTED", new errors.RequestAbortedError(), "maybe_sent"],
    ["ECONNRESET", systemError("ECONNRESET"), "maybe_sent"],
    ["EPIPE", systemError("EPIPE"), "maybe_sent"],
    ["unknown error", new Error("boom"), "maybe_sent"],
    ["not an error", "weird", "maybe_sent"],
    ["AggregateError with one reset", new AggregateError([systemError("ECONNREFUSED"), systemError("ECONNRESET")]), "maybe_sent"],
  ])("%s: maybe sent, ambiguous", (_label, error, reason) => {
    expect(classifyTransportError(error, false)).toMatchObject({ kind: "ambiguous", reason });
  });

  it("our own deadline is ambiguous even if the error looks like a connect failure", () => {
    expect(classifyTransportError(systemError("ECONNREFUSED"), true)).toMatchObject({ kind: "ambiguous", reason: "timeout" });
  });
});

describe("classifyHttpStatus", () => {
  it("5xx and 429 are retryable, 5xx ambiguous when money goes out", () => {
    expect(classifyHttpStatus(500)).toMatchObject({ kind: "retryable", reason: "http_5xx", statusCode: 500 });
    expect(classifyHttpStatus(503)).toMatchObject({ kind: "retryable" });
    expect(classifyHttpStatus(429)).toMatchObject({ kind: "retryable", reason: "http_429" });
    expect(classifyHttpStatus(502, true)).toMatchObject({ kind: "ambiguous", reason: "http_5xx" });
  });

  it("leaves other statuses to the body", () => {
    expect(classifyHttpStatus(200)).toBeUndefined();
    expect(classifyHttpStatus(404)).toBeUndefined();
  });
});
