/**
 * The HTTP edge's own refusals, in the API's error shape (issue 7 "Wire shape"): what Fastify refuses before
 * a route runs (a path segment too long, a body too large, a content type it cannot take) and what Node's
 * HTTP parser refuses before Fastify sees anything (headers too large, a malformed request line). A client
 * of the online API gets Worldline's shape with the right status for every one of them, never Fastify's
 * `{statusCode, code: "FST_…"}` or a bare 431.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { domainError } from '../../src-shared';
import { ApiFailure, errorBody, fail } from './api-error';

/** The largest body any request of the core needs (a sync push of 200 messages is well under it). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Request line plus headers. Above Node's 16 KiB default, so a long path (up to 20,000 characters and more)
 * reaches the router and is answered "not found" or "invalid id"; beyond this Node refuses it and
 * `answerClientError` says so in the shape.
 */
export const MAX_HEADER_BYTES = 64 * 1024;
/** The longest path parameter the router hands to a route; longer ones are REQUEST_URI_TOO_LONG. */
export const MAX_PARAM_LENGTH = 4096;

/** Fastify's own 4xx refusal (an error with `statusCode` and an `FST_…` code) → the catalog's failure. */
export function fastifyRefusal(error: { statusCode?: number; code?: string; message: string }): ApiFailure {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return fail('REQUEST_BODY_TOO_LARGE', { limit: BODY_LIMIT_BYTES });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return fail('REQUEST_URI_TOO_LONG', { limit: MAX_PARAM_LENGTH });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return fail('REQUEST_INVALID', { propertyName: 'body', reason: describeFastify(error.code) }, 'body');
    case 'FST_ERR_BAD_URL':
      return fail('REQUEST_INVALID', { propertyName: 'path', reason: 'it is not a valid URL path' }, 'path');
    case undefined:
    default: {
      // Any other refusal (or one without a code) keeps its status; the shape (and httpStatusCode) follow it.
      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const reason = STATUS_CODES[status]?.toLowerCase() ?? 'the request was refused';
      return new ApiFailure(domainError('REQUEST_MALFORMED', { reason }), undefined, {}, status);
    }
  }
}

function describeFastify(code: string): string {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'its length does not match the Content-Length header';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'it is empty; send a JSON object';
    default:
      return 'its content type cannot be read; send JSON with Content-Type: application/json';
  }
}

/**
 * Node's HTTP parser refused a request before Fastify saw it (Fastify's `clientErrorHandler`): answer in the
 * shape on the raw socket, then close it, as Node itself would.
 */
export function answerClientError(
  err: NodeJS.ErrnoException,
  socket: Socket,
  newErrorId: () => string,
): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const failure =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? fail('REQUEST_HEADERS_TOO_LARGE', { limit: MAX_HEADER_BYTES })
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiFailure(
            domainError('REQUEST_MALFORMED', { reason: 'it did not arrive in time' }),
            undefined,
            {},
            408,
          )
        : fail('REQUEST_MALFORMED', { reason: 'the request line or headers are malformed' });
  const body = JSON.stringify(errorBody(newErrorId(), failure));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status] ?? 'Error'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or -1. Decoding with replacement would store U+FFFD where the client
 * sent something else; the core refuses the body instead.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f; // U+D800..U+DFFF are not characters
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return -1;
}
