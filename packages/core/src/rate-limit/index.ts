export { TokenBucket, type TokenBucketOptions, type TakeResult, rateLimitScopes } from "./token-bucket.js";
export { type TakeOptions } from "./token-bucket-lua.js";
