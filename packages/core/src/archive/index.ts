export type { ArchivedPayment } from "../review/index.js";
export { ArchiveUnavailableError, PaymentArchive, type PaymentArchiveOptions } from "./payment-archive.js";
