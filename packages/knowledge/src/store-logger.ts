/** The little of a logger this package needs (pino and console-like loggers fit). */
export interface StoreLogger {
  warn(obj: object, msg?: string): void;
}
