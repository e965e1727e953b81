export { jobCatalog, type JobKind, type JobPayload, PaymentJob } from "./job-catalog.js";
export { addJobs, type JobToAdd } from "./add-jobs.js";
