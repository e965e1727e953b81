import { PaymentArchive } from "@oceanpos/core/archive";
import type { Logger } from "@oceanpos/core/logger";
import { UnavailableError } from "./errors.js";

/** The intake's read of the archive: a PostgreSQL that cannot answer makes those reads a `503 unavailable` (nothing changed). */
export function openPaymentArchive(o: { url: string; max: number; logger: Logger }): PaymentArchive {
  return new PaymentArchive({
    ...o,
    applicationName: "oceanpos-intake",
    unavailable: (err) => UnavailableError.unchanged("the archive of past payments (PostgreSQL) is unreachable", err),
  });
}
