/** One element: a text value, or child elements. Names are the sandbox's own constants, never input. */
export type XmlNode = readonly [name: string, value: string | readonly XmlNode[]];

/**
 * How an empty element is written: `<a></a>` (the face-to-face spec's samples) or `<a />` (the
 * query answer sample). Both are the same XML; the emulator writes each document as published so
 * that a reader that only handles one form fails a test.
 */
export type EmptyElements = "pair" | "selfClosing";

// Characters XML 1.0 cannot carry at all, even escaped: dropped rather than producing a document
// no parser accepts (a value with them fails validation first wherever that matters).
const invalidXmlChars = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Escapes a text value for element content (and attributes, should one ever be needed). */
export function escapeXml(value: string): string {
  return value.replace(invalidXmlChars, "").replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** `<?xml …?>` + the root element with its children, indented. */
export function xmlDocument(root: string, children: readonly XmlNode[], empty: EmptyElements = "pair"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderNode([root, children], "", empty)}\n`;
}

function renderNode([name, value]: XmlNode, indent: string, empty: EmptyElements): string {
  if (typeof value === "string") {
    if (value === "" && empty === "selfClosing") return `${indent}<${name} />`;
    return `${indent}<${name}>${escapeXml(value)}</${name}>`;
  }
  const inner = value.map((child) => renderNode(child, `${indent}  `, empty)).join("\n");
  return `${indent}<${name}>\n${inner}\n${indent}</${name}>`;
}
