export { loadStoresFile, parseStores } from "./load-stores-file.js";
export { StoreRegistry } from "./store-registry.js";
export { hashApiKey } from "./hash-api-key.js";
export type { Store, StoreBilling, StoreRateLimit } from "./store.js";
