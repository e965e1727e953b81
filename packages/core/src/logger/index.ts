export { createLogger, redactPaths, type Logger, type LoggerOptions } from "./create-logger.js";
export { type ChildLogger, lazyChildLogger } from "./lazy-child-logger.js";
export { LogDestination, type LogDestinationOptions } from "./log-destination.js";
