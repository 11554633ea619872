/**
 * v1HMAC request authentication as the official SDKs sign (reference §3.2):
 *
 *   base64(HMAC-SHA256(secret as UTF-8, METHOD \n CONTENT_TYPE \n DATE \n x-gcs-headers… PATH_AND_QUERY \n))
 *
 * CONTENT_TYPE is empty for GET (the Node SDK sends the header but does not sign it) and otherwise the
 * received Content-Type (the Java SDK sends none on DELETE, so absent → empty). X-GCS-* headers are sorted
 * by lower-cased name, each `name:canonical(value)\n`. The path is the raw request URL, not decoded.
 *
 * The pure half lives here (string to sign, header and date formats) so the core and the terminal host
 * build the same string; each side computes the HMAC with its own crypto (src-core/routing/v1hmac.ts).
 */
export interface SignedRequest {
  method: string;
  /** The Content-Type header as received (undefined when absent). */
  contentType: string | undefined;
  date: string;
  /** Every header, names in any case; only X-GCS-* are signed. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Path and query exactly as sent (`req.url`). */
  pathAndQuery: string;
}

/** Folds (CR)LF + following whitespace into one space and trims (reference §3.2 `canonical`). */
export function canonicalHeaderValue(value: string): string {
  return value.replace(/\r?\n[\s]*/g, ' ').trim();
}

export function stringToSign(r: SignedRequest): string {
  const method = r.method.toUpperCase();
  const contentType = method === 'GET' ? '' : (r.contentType ?? '');
  const gcs = Object.entries(r.headers)
    .filter(([name, value]) => name.toLowerCase().startsWith('x-gcs') && value !== undefined)
    .map(
      ([name, value]) =>
        [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : (value as string)] as const,
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let s = `${method}\n${contentType}\n${r.date}\n`;
  for (const [name, value] of gcs) s += `${name}:${canonicalHeaderValue(value)}\n`;
  return `${s}${r.pathAndQuery}\n`;
}

export function authorizationHeader(keyId: string, signature: string): string {
  return `GCS v1HMAC:${keyId}:${signature}`;
}

export function parseAuthorization(header: string | undefined): { keyId: string; signature: string } | null {
  if (!header) return null;
  const m = /^GCS v1HMAC:([^:]+):(.+)$/.exec(header.trim());
  return m ? { keyId: m[1]!, signature: m[2]! } : null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Parses an RFC 1123 date in GMT, with a 1- or 2-digit day (the Java SDK does not zero-pad, reference §3.2);
 * null when it is anything else.
 */
export function parseHttpDate(value: string | undefined): Date | null {
  if (!value) return null;
  const m = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(
    value.trim(),
  );
  if (!m) return null;
  const month = MONTHS.indexOf(m[3]!);
  if (month < 0) return null;
  const t = Date.UTC(Number(m[4]), month, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  const d = new Date(t);
  // Reject rollovers such as 31 Feb.
  return d.getUTCDate() === Number(m[2]) ? d : null;
}

/** The Date header as the SDKs write it. */
export function formatHttpDate(d: Date): string {
  return d.toUTCString();
}
