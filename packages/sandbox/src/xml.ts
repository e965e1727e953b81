/** One element: a text value, or child elements. Names are the sandbox's own constants, never input. */
export type XmlNode = readonly [name: string, value: string | readonly XmlNode[]];

// Characters XML 1.0 cannot carry at all, even escaped: dropped rather than producing a document
// no parser accepts (a value with them fails validation first wherever that matters).
const invalidXmlChars = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Escapes a text value for element content (and attributes, should one ever be needed). */
export function escapeXml(value: string): string {
  return value.replace(invalidXmlChars, "").replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** `<?xml …?>` + the root element with its children, indented like the wire page's samples. */
export function xmlDocument(root: string, children: readonly XmlNode[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderNode([root, children], "")}\n`;
}

function renderNode([name, value]: XmlNode, indent: string): string {
  if (typeof value === "string") return `${indent}<${name}>${escapeXml(value)}</${name}>`;
  const inner = value.map((child) => renderNode(child, `${indent}  `)).join("\n");
  return `${indent}<${name}>\n${inner}\n${indent}</${name}>`;
}
