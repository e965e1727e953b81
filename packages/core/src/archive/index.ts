export { type ArchivedPayment, ArchiveUnavailableError, PaymentArchive, type PaymentArchiveOptions } from "./payment-archive.js";
