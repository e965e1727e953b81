export { TokenBucket, type TokenBucketOptions, type TakeOptions, type TakeResult } from "./token-bucket.js";
