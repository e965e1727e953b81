export { loadStoresFile, parseStores } from "./load-stores-file.js";
export { StoreRegistry, type TokenOwner } from "./store-registry.js";
export { breakGlassOperatorName, operatorRoles, type Operator, type OperatorRole } from "./operator.js";
export { hashApiKey } from "./hash-api-key.js";
export type { Store, StoreBilling, StoreRateLimit } from "./store.js";
