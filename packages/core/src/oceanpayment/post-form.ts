import { request, type Dispatcher } from "undici";
import { RequestDeadline } from "../http/request-deadline.js";
import { classifyHttpStatus, classifyTransportError, type GatewayFailure } from "./gateway-failure.js";
import { encodeForm, type FormFields } from "./form-fields.js";

/**
 * One POST of a form, with one overall deadline and a bounded body. Never retried here: undici's
 * plain `request` does not retry, and a POST that may have charged a customer must only be resent
 * by the payer after classification says so.
 */
export interface PostFormOptions {
  dispatcher: Dispatcher;
  url: string;
  fields: FormFields;
  /** Overall deadline from dispatch to the last body byte. */
  timeoutMs: number;
  /** Bodies larger than this are not read (the caller treats them as unparseable). */
  maxResponseBytes: number;
  /** The request can move money out (refund): a 5xx is then ambiguous, not retryable. */
  moneyOut?: boolean;
}

export type PostFormResult =
  | { kind: "response"; statusCode: number; body: Uint8Array; tooLarge: boolean }
  | { kind: "failure"; failure: GatewayFailure };

async function readBounded(body: Dispatcher.ResponseData["body"], limit: number): Promise<{ bytes: Uint8Array; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > limit) {
      // Stop reading a hostile or runaway body; the connection is discarded with the stream.
      body.destroy();
      return { bytes: new Uint8Array(), tooLarge: true };
    }
    chunks.push(buffer);
  }
  return { bytes: Buffer.concat(chunks), tooLarge: false };
}

export async function postForm(options: PostFormOptions): Promise<PostFormResult> {
  const deadline = new RequestDeadline(options.timeoutMs);
  try {
    const response = await request(options.url, {
      dispatcher: options.dispatcher,
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/xml, text/xml",
      },
      body: encodeForm(options.fields),
      signal: deadline.signal,
      // Backstops for dispatchers whose defaults (300 s) exceed our deadline.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    // 5xx / 429 are decided by the status alone; their body (an error page) is discarded.
    const byStatus = classifyHttpStatus(response.statusCode, options.moneyOut);
    if (byStatus) {
      await response.body.dump({ limit: options.maxResponseBytes }).catch(() => undefined);
      return { kind: "failure", failure: byStatus };
    }
    const declared = Number(response.headers["content-length"]);
    if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
      response.body.destroy();
      return { kind: "response", statusCode: response.statusCode, body: new Uint8Array(), tooLarge: true };
    }
    const { bytes, tooLarge } = await readBounded(response.body, options.maxResponseBytes);
    return { kind: "response", statusCode: response.statusCode, body: bytes, tooLarge };
  } catch (error) {
    // A failure while reading the body lands here too: the request was sent, so it is never
    // "not sent", and classifyTransportError only calls connect-phase codes retryable.
    return { kind: "failure", failure: classifyTransportError(error, deadline.signal.aborted) };
  } finally {
    deadline.dispose();
  }
}
