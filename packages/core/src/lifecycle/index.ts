export { limitHeapGrowth } from "./heap-growth.js";
export { ShutdownCoordinator, type ShutdownCoordinatorOptions, type ShutdownStep } from "./shutdown-coordinator.js";
export { startup } from "./startup.js";
