export { jobCatalog, jobOptionsAfter, paymentJob, refundJob, type JobKind, type PaymentJobKind, type JobPayload, type JobStart, PaymentJob, RefundJob } from "./job-catalog.js";
export { addJobs, type IdentifiedJob, type JobToAdd } from "./add-jobs.js";
export { type WorkEnd, done, fail, park, retry } from "./work-end.js";
export { endJob } from "./end-job.js";
