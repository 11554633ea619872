/**
 * Decoding never throws on hostile input (issue 4): every decoder returns a Result whose error names the
 * byte offset and what was wrong, so a technician can find the bad byte in a captured trace.
 */
import { err, type Result } from '../../../src-shared';

export interface DecodeError {
  /** Offset of the offending byte from the start of the buffer handed to the top-level decoder. */
  readonly offset: number;
  readonly reason: string;
}

export type Decoded<T> = Result<T, DecodeError>;

export const decodeError = (offset: number, reason: string): { ok: false; error: DecodeError } =>
  err({ offset, reason });

export function describeDecodeError(e: DecodeError): string {
  return `at byte ${e.offset}: ${e.reason}`;
}
