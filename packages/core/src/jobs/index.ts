export { jobCatalog, type JobKind, type JobPayload, PaymentJob } from "./job-catalog.js";
export { addJobs, type JobToAdd } from "./add-jobs.js";
export { type WorkEnd, done, fail, park, retry } from "./work-end.js";
export { endJob } from "./end-job.js";
