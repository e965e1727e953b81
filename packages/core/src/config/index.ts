export { loadConfig } from "./load-config.js";
export { envBoolean, envPort, envDurationMs, envList } from "./env-types.js";
export {
  commonEnvShape,
  commonEnvSchema,
  resolveCommon,
  resolveStoresFile,
  type CommonConfig,
  commonDefaults,
} from "./common-env.js";
