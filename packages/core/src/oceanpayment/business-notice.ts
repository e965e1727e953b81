import { BusinessNotice } from "./response-schemas.js";
import { verify } from "./signature.js";

/**
 * Oceanpayment's "business order notifications": refund notices (`notice_type` `refund`,
 * `partialRefund`) and the other business notices (chargeBack, re-presentment, retrieval,
 * reversal-retrieval, fraud, ARN, highRisk…). They reach the same notice URL as transaction
 * notices with another document (docs/oceanpayment-wire.md, "Refund notices"), so a notice is routed on its
 * `notice_type` ({@link noticeKindOf}) before any shape is applied. Elements: the published list;
 * the sign string is not published (`signatureFields.businessNotice`, assumed).
 */

/** `notice_type`s of a refund notice: the refund of the whole charge, or of part of it. */
export const refundNoticeTypes = ["refund", "partialRefund"] as const;

/**
 * `notice_type`s of the other business notices, as published: recorded as `payment.risk_notice`
 * (a dispute is a chargeBack with `push_status` 2). Only these: none of them ends like a refund
 * type, so characters moved from `refund_number` into `notice_type` (or back) cannot turn a
 * genuine refund notice into a risk notice, nor one risk type into another.
 */
export const riskNoticeTypes = ["chargeBack", "re-presentment", "retrieval", "reversal-retrieval", "fraud", "ARN", "highRisk"] as const;

/**
 * Which handling a notice gets: `transaction` (a payment result; also a document without
 * `notice_type`, as the sample's first notices were), `refund`, `risk` (recorded as
 * `payment.risk_notice`), or `unknown` (any other value: refused and counted, never guessed at).
 */
export type NoticeKind = "transaction" | "refund" | "risk";

/** The kind of a notice by its `notice_type` (a document without one is a transaction notice). */
export function noticeKindOf(noticeType: unknown): NoticeKind | "unknown" {
  if (noticeType === undefined || noticeType === "transaction") return "transaction";
  if ((refundNoticeTypes as readonly unknown[]).includes(noticeType)) return "refund";
  if ((riskNoticeTypes as readonly unknown[]).includes(noticeType)) return "risk";
  return "unknown";
}

/** Longest `push_details` accepted. */
export const maxPushDetailsLength = 500;

/**
 * Strict formats of the signed elements, checked before the signature is trusted (a signature
 * proves the concatenation, not where one field ends): digits stay digits, codes stay codes, and
 * `push_details` starts with a five-digit code and a colon, so the one-character `push_status`
 * between `push_id`'s digits and it cannot be shifted. `push_status`: `0` failed, `1` succeeded,
 * `2` in dispute (published).
 */
export const businessNoticeFormats = {
  account: /^\d{6}$/,
  terminal: /^\d{8,12}$/,
  order_number: /^[A-Za-z0-9_-]{1,50}$/,
  order_currency: /^[A-Z]{3}$/,
  /** A plain decimal (the gateway may pad it: compared as a decimal with what we sent). */
  order_amount: /^\d{1,15}(?:\.\d{1,6})?$/,
  payment_id: /^\d{1,64}$/,
  /** Our refundNumber on refund notices (required there); empty on risk notices. */
  refund_number: /^[A-Za-z0-9_-]{0,50}$/,
  notice_type: /^[A-Za-z][A-Za-z-]{0,39}$/,
  /** The refund id on refund notices (required there); digits or empty on others. */
  push_id: /^\d{0,64}$/,
  push_status: /^[012]$/,
  push_details: /^(?:\d{5}:[^\p{Cc}]*)?$/u,
} as const;

export type ShapedBusinessNotice = { ok: true; notice: BusinessNotice } | { ok: false; reason: "unparseable" | "malformed_field"; message: string; field?: string };

/**
 * Shape and field formats of a parsed document (`parseGatewayXml` output) of this `kind`; no
 * signature check. A refund notice must name its refund (`refund_number`) and the gateway's
 * refund id (`push_id`) and carry a refund `notice_type`; a risk notice names no refund.
 */
export function shapeBusinessNotice(tree: unknown, kind: Exclude<NoticeKind, "transaction">): ShapedBusinessNotice {
  const shaped = BusinessNotice.safeParse(tree);
  if (!shaped.success) {
    const issue = shaped.error.issues[0];
    return { ok: false, reason: "unparseable", message: `unexpected business notice shape at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}` };
  }
  const field = businessNoticeFormatProblem(shaped.data, kind);
  if (field !== undefined) return { ok: false, reason: "malformed_field", message: `${field} is not in its signed format`, field };
  return { ok: true, notice: shaped.data };
}

/** The first element whose format is wrong for a notice of this kind, or undefined. */
export function businessNoticeFormatProblem(notice: BusinessNotice, kind: Exclude<NoticeKind, "transaction">): string | undefined {
  for (const [field, format] of Object.entries(businessNoticeFormats) as [keyof typeof businessNoticeFormats, RegExp][]) {
    if (!format.test(notice[field])) return field;
  }
  if (notice.push_details.length > maxPushDetailsLength) return "push_details";
  if (noticeKindOf(notice.notice_type) !== kind) return "notice_type";
  if (kind === "refund") {
    if (notice.refund_number === "") return "refund_number";
    if (notice.push_id === "") return "push_id";
  } else if (notice.refund_number !== "") {
    return "refund_number";
  }
  return undefined;
}

/** True when `signValue` matches the business notice's fields under this terminal's secureCode. */
export function verifyBusinessNotice(notice: BusinessNotice, secureCode: string): boolean {
  return verify("businessNotice", notice, secureCode, notice.signValue);
}
