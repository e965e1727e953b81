export { TokenBucket, type TokenBucketOptions, type TakeResult, type ReserveResult, rateLimitScopes } from "./token-bucket.js";
export { type TakeOptions } from "./token-bucket-lua.js";
