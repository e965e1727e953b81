export { TokenBucket, type TokenBucketOptions, type TakeResult } from "./token-bucket.js";
export { type TakeOptions, takeArgs, takeTokensLuaFunction } from "./token-bucket-lua.js";
