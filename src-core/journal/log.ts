/** Structured logs (pino's shape); never card data. Its own module so the journal's parts share it without a cycle. */
export interface JournalLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
