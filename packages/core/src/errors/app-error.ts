/**
 * Base of every error this project raises on purpose. `code` is stable (safe to branch on, to
 * count in metrics and to show to API clients); `message` is for people.
 */
export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A configuration value is missing or malformed; start-up must stop. */
export class ConfigError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("config_invalid", message, options);
  }
}

/** The stores file cannot be used; the message names the file, the store and the field. */
export class StoresFileError extends AppError {
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super("stores_file_invalid", `${file}: ${message}`, options);
    this.file = file;
  }
}
