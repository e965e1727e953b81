export { signatureFields, type SignedMessage } from "./signature-fields.js";
export { sign, signingString, verify } from "./signature.js";
