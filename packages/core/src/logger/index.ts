export { createLogger, loggerOptionsOf, redactPaths, type LogConfig, type Logger, type LoggerOptions } from "./create-logger.js";
export { PrettyDestination, prettyFormatter } from "./pretty-destination.js";
export { type ChildLogger, lazyChildLogger } from "./lazy-child-logger.js";
export { LogDestination, type LogDestinationOptions } from "./log-destination.js";
