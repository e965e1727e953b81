import { XMLParser, XMLValidator } from "fast-xml-parser";
import { GatewayXmlError } from "./errors.js";

/**
 * The one place where gateway XML (responses and notices) is parsed. Input is hostile: notices come
 * from the internet, responses through proxies. So, in this order: size limit, strict UTF-8, no DTD
 * or entity declaration at all (no billion laughs, no XXE), well-formedness, then a parse that keeps
 * every value as the exact string received (`0.01` stays `0.01`, `007` stays `007`) because values
 * are hashed for signatures and amounts are decimal strings.
 */

export interface GatewayXmlOptions {
  /** Largest document accepted, in bytes, checked before decoding. Default 64 KiB. */
  maxBytes?: number;
  /** Dotted paths (from the root) always parsed as arrays, e.g. `response.paymentInfo`. */
  arrayPaths?: readonly string[];
}

export const defaultMaxXmlBytes = 64 * 1024;

/** Plain object tree of a document: leaves are strings (`""` for empty elements). */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const declarations = /<!\s*(DOCTYPE|ENTITY)/i;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The five predefined XML entities and character references, decoded in one pass: nothing is
 * expanded twice (`&amp;lt;` gives `&lt;`), so there is no expansion to bomb. The parser's own
 * entity processing stays off.
 */
const references = /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const predefined: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeReferences(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(references, (whole, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return predefined[name] ?? whole;
    const codePoint = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? "", 16);
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
  });
}

function toText(input: string | Uint8Array, maxBytes: number): string {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > maxBytes) throw new GatewayXmlError(`document of ${size} bytes exceeds the ${maxBytes}-byte limit`);
  if (typeof input === "string") return input;
  try {
    return utf8.decode(input);
  } catch (cause) {
    throw new GatewayXmlError("document is not valid UTF-8", { cause });
  }
}

/**
 * With `trimValues: false` (so that values keep their exact spacing), the layout whitespace between
 * child elements lands in `#text`; it carries nothing, so it is dropped.
 */
function dropLayoutText(node: XmlValue): XmlValue {
  if (typeof node === "string") return node;
  if (Array.isArray(node)) return node.map(dropLayoutText);
  const out: XmlNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "#text" && typeof value === "string" && value.trim() === "") continue;
    out[key] = dropLayoutText(value);
  }
  return out;
}

/** Parsers are stateless between documents; building one per document cost a tenth of the payer's CPU. */
const parsers = new Map<string, XMLParser>();

function parserFor(arrayPaths: readonly string[]): XMLParser {
  const key = arrayPaths.join("\n");
  let parser = parsers.get(key);
  if (!parser) {
    const paths = new Set(arrayPaths);
    parser = new XMLParser({
      processEntities: false,
      htmlEntities: false,
      ignoreAttributes: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      jPath: true,
      isArray: (_name, jPath) => typeof jPath === "string" && paths.has(jPath),
      tagValueProcessor: (_name, value) => decodeReferences(value),
    });
    parsers.set(key, parser);
  }
  return parser;
}

/**
 * Parses a gateway document and returns the content of its single `<response>` root
 * (`{}` for `<response/>`). Throws `GatewayXmlError` on anything else.
 */
export function parseGatewayXml(input: string | Uint8Array, options: GatewayXmlOptions = {}): XmlNode {
  const text = toText(input, options.maxBytes ?? defaultMaxXmlBytes);
  // Refused outright rather than parsed with entities off: a gateway has no reason to send a DTD.
  if (declarations.test(text)) throw new GatewayXmlError("document declares a DTD or an entity");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new GatewayXmlError(`malformed document: ${valid.err.msg} (line ${valid.err.line})`);

  const parser = parserFor(options.arrayPaths ?? []);

  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (cause) {
    throw new GatewayXmlError("document could not be parsed", { cause });
  }
  const root = dropLayoutText(parsed as XmlValue);
  if (typeof root !== "object" || Array.isArray(root)) throw new GatewayXmlError("document has no root element");
  const names = Object.keys(root);
  if (names.length !== 1 || names[0] !== "response") {
    throw new GatewayXmlError(`expected a single <response> root, got ${names.map((n) => `<${n}>`).join(", ") || "none"}`);
  }
  const response = root.response;
  if (response === "") return {};
  if (typeof response !== "object" || Array.isArray(response)) throw new GatewayXmlError("<response> has no elements");
  return response;
}
