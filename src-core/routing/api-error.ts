/**
 * The online API's error shape (reference §6.1): `{ errorId, errors: APIError[] }`, plus `paymentResult` /
 * `refundResult` / `payoutResult` where the reference puts them. Every error code comes from the one catalog.
 */
import {
  catalogEntry,
  domainError,
  isRetryable,
  type DomainError,
  type ErrorCategory,
  type ErrorCode,
  type ErrorParams,
} from '../../src-shared';
import { JournalRefusal } from '../journal/refusal';

export interface ApiErrorItem {
  id: string;
  errorCode: string;
  /** Deprecated duplicate of errorCode that older SDK versions read. */
  code: string;
  category: ErrorCategory;
  httpStatusCode: number;
  message: string;
  propertyName?: string;
  retriable: boolean;
}

export function apiErrorItem(error: DomainError, propertyName?: string): ApiErrorItem {
  const e = catalogEntry(error.code);
  const property =
    propertyName ?? (typeof error.params.propertyName === 'string' ? error.params.propertyName : undefined);
  return {
    id: error.code,
    errorCode: e.errorCode,
    code: e.errorCode,
    category: e.category,
    httpStatusCode: e.httpStatus,
    message: error.message,
    ...(property ? { propertyName: property } : {}),
    retriable: isRetryable(error),
  };
}

/** An expected failure on its way out as an HTTP answer; `extra` adds e.g. `paymentResult` to the body. */
export class ApiFailure extends Error {
  constructor(
    readonly error: DomainError,
    readonly propertyName?: string,
    readonly extra: Record<string, unknown> = {},
    readonly status: number = catalogEntry(error.code).httpStatus,
  ) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

export const fail = (code: ErrorCode, params: ErrorParams = {}, propertyName?: string): ApiFailure =>
  new ApiFailure(domainError(code, params), propertyName);

/** The body of an error answer; `httpStatusCode` is always the status the answer is sent with. */
export function errorBody(errorId: string, failure: ApiFailure): Record<string, unknown> {
  const item = { ...apiErrorItem(failure.error, failure.propertyName), httpStatusCode: failure.status };
  return { errorId, errors: [item], ...failure.extra };
}

/**
 * The expected failure `e` carries, in this wire shape: an `ApiFailure` as it is, a journal refusal (a
 * catalog value from below the adapters) mapped to one; null for anything else (a bug, a lost database).
 */
export function asApiFailure(e: unknown): ApiFailure | null {
  if (e instanceof ApiFailure) return e;
  if (e instanceof JournalRefusal) return new ApiFailure(e.failure.error, e.failure.propertyName);
  return null;
}
