/** One row of an XINFO GROUPS or CONSUMERS reply (a flat name/value list) as a map. */
export function xinfoFields(row: readonly unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < row.length; i += 2) fields.set(String(row[i]), row[i + 1]);
  return fields;
}
