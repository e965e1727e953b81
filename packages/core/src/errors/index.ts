export { AppError, ConfigError, StoresFileError } from "./app-error.js";
