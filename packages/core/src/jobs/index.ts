export { jobCatalog, type JobKind, type JobPayload, PaymentJob } from "./job-catalog.js";
