/**
 * A request form as an ordered list of name/value pairs. Order matters only for readability of
 * captures and for the emulator's tests, but it is kept exactly as the wire page lists it.
 * A form carries `signValue` and possibly `pay_accountNumber`: never log it.
 */
export type FormFields = ReadonlyArray<readonly [name: string, value: string]>;

/** `application/x-www-form-urlencoded` body (UTF-8, spaces as `+`), fields in their given order. */
export function encodeForm(fields: FormFields): string {
  return new URLSearchParams(fields.map(([name, value]): [string, string] => [name, value])).toString();
}

/** One field's value, for tests and for building log-safe summaries. */
export function formValue(fields: FormFields, name: string): string | undefined {
  return fields.find(([field]) => field === name)?.[1];
}
