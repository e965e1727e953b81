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
 * The parser's ordered output (`preserveOrder`): each node is `{ name: children }` for an element
 * or `{ "#text": text }` for a text run. Attributes are ignored, so no other key appears.
 */
type OrderedNode = Record<string, OrderedNode[] | string>;

const textKey = "#text";
const noPaths: ReadonlySet<string> = new Set();

/**
 * An element's value from its ordered children, as the tree the rest of the code reads: a leaf
 * is its text (references decoded once; `""` when empty); an element with child elements is an
 * object of them, a name seen twice (or configured at `path`) an array. With `trimValues: false`
 * (values keep their exact spacing), the layout whitespace between child elements is dropped; any
 * other text beside child elements is kept under `#text`.
 */
function elementValue(children: readonly OrderedNode[], path: string, arrayPaths: ReadonlySet<string>): XmlValue {
  let text = "";
  let node: XmlNode | undefined;
  for (const child of children) {
    for (const name in child) {
      const value = child[name] as OrderedNode[] | string;
      if (name === textKey) {
        text += value as string;
        continue;
      }
      node ??= {};
      const childPath = path === "" ? name : `${path}.${name}`;
      // An element's value is a string or an object, never an array: an array here is one we made.
      const converted = elementValue(value as OrderedNode[], childPath, arrayPaths);
      const existing = node[name];
      if (existing === undefined) node[name] = arrayPaths.has(childPath) ? [converted] : converted;
      else if (Array.isArray(existing)) existing.push(converted);
      else node[name] = [existing, converted];
    }
  }
  if (node === undefined) return decodeReferences(text);
  if (text.trim() !== "") node[textKey] = decodeReferences(text);
  return node;
}

/**
 * One parser for every document (stateless between documents; building one per document cost a
 * tenth of the payer's CPU). Ordered output converted by `elementValue`, and no path string built
 * per element (`jPath: false`): the parser's own default tree and array callback took twice as
 * long. A gateway document (1 KB) now parses in 100-117 µs instead of 150-195, all checks
 * included; parsing was a sixth of the payer's and of the notifier's CPU in the bench.
 */
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  preserveOrder: true,
  jPath: false,
});

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

  let parsed: OrderedNode[];
  try {
    parsed = parser.parse(text) as OrderedNode[];
  } catch (cause) {
    throw new GatewayXmlError("document could not be parsed", { cause });
  }
  const root = elementValue(parsed, "", options.arrayPaths ? new Set(options.arrayPaths) : noPaths);
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
