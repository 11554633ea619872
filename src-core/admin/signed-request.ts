/**
 * `npm run core -- request <METHOD> <path> [--data <json> | --data @<file>]`: one v1HMAC-signed request to a
 * running core, for store IT trying the back-office and sync APIs by hand (what curl cannot do alone).
 *
 * The key comes from `--key-id`/`--secret`, else `COUNTER_KEY_ID`/`COUNTER_KEY_SECRET`, else the demo
 * credentials `npm start` wrote (the merchant API key, or the terminal key for `/sync/v1/…`). Sync requests
 * also carry the body digest the sync API checks (SYNC_BODY_DIGEST_HEADER). Prints the status and the JSON
 * body; exit 0 for 2xx/3xx, 1 for 4xx/5xx or no answer, 2 for a usage error.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SYNC_BODY_DIGEST_HEADER } from '../../src-shared/sync-protocol';
import { parseFlags } from './flags';
import { databaseConfigFromEnv } from '../db/open';
import { authorizationHeader, formatHttpDate, signV1Hmac } from '../routing/v1hmac';
import { dataDirHolder, readAdminEndpoint } from './data-dir-lock';
import { demoCredentialsPath, readDemoCredentials } from './demo-credentials';

const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'] as const;
const SYNC_PREFIX = '/sync/';

export interface RequestToSign {
  method: string;
  pathAndQuery: string;
  /** Exact bytes to send (already checked to be JSON), or undefined for none. */
  body: string | undefined;
  keyId: string;
  secret: string;
  idempotenceKey?: string;
  now: Date;
}

/** The headers of a signed request: pure, so the test can check them against the core's verifier. */
export function signedHeaders(r: RequestToSign): Record<string, string> {
  const method = r.method.toUpperCase();
  const headers: Record<string, string> = { Date: formatHttpDate(r.now) };
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  if (r.idempotenceKey) headers['X-GCS-Idempotence-Key'] = r.idempotenceKey;
  if (r.pathAndQuery.startsWith(SYNC_PREFIX)) {
    // The sync API signs a digest of the body too (an X-GCS-* header, so covered by the signature).
    headers[SYNC_BODY_DIGEST_HEADER] = createHash('sha256')
      .update(r.body ?? '', 'utf8')
      .digest('base64');
  }
  const signature = signV1Hmac(r.secret, {
    method,
    contentType: headers['Content-Type'],
    date: headers.Date!,
    headers,
    pathAndQuery: r.pathAndQuery,
  });
  headers.Authorization = authorizationHeader(r.keyId, signature);
  return headers;
}

class UsageError extends Error {}

export interface RequestCommandIo {
  env: NodeJS.ProcessEnv;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

function readBody(data: string | true | undefined): string | undefined {
  if (data === undefined) return undefined;
  if (data === true) throw new UsageError("--data needs a value: '{json}' or @file");
  let text = data;
  if (data.startsWith('@')) {
    try {
      text = readFileSync(data.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${data.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--data is not JSON (${(e as Error).message}); quote it: --data '{"after":0}'`);
  }
  return text;
}

interface Resolved {
  url: string;
  keyId: string;
  secret: string;
  merchantId?: string;
}

function resolve(flags: Record<string, string | true>, env: NodeJS.ProcessEnv, sync: boolean): Resolved {
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const { dataDir } = databaseConfigFromEnv(env);
  const demo = readDemoCredentials(dataDir);
  let keyId = str('key-id') ?? env.COUNTER_KEY_ID;
  let secret = str('secret') ?? env.COUNTER_KEY_SECRET;
  if (!keyId !== !secret) throw new UsageError('give both the key id and its secret, or neither');
  if (!keyId && demo) {
    keyId = sync ? demo.terminalKeyId : demo.apiKeyId;
    secret = sync ? demo.terminalSecret : demo.secretApiKey;
  }
  if (!keyId || !secret) {
    throw new UsageError(
      `no key to sign with: pass --key-id and --secret, set COUNTER_KEY_ID and COUNTER_KEY_SECRET, or run ` +
        `'npm start' once (it writes ${demoCredentialsPath(dataDir)})`,
    );
  }
  const holder = dataDirHolder(dataDir);
  const endpoint = holder?.role === 'server' ? readAdminEndpoint(dataDir, holder) : null;
  const url = str('url') ?? env.COUNTER_URL ?? endpoint?.url ?? `http://127.0.0.1:${env.PORT || 8080}`;
  return { url: url.replace(/\/+$/, ''), keyId, secret, merchantId: str('merchant') ?? demo?.merchantId };
}

export async function runRequestCommand(args: readonly string[], io: RequestCommandIo): Promise<number> {
  const { positional, flags } = parseFlags(args);
  let request: RequestToSign & { url: string };
  try {
    const [rawMethod, rawPath] = positional;
    const method = rawMethod?.toUpperCase();
    if (!method || !rawPath || !(METHODS as readonly string[]).includes(method) || !rawPath.startsWith('/')) {
      throw new UsageError(
        'expected a method and a path, e.g. request GET /backoffice/v1/{merchantId}/orders',
      );
    }
    const sync = rawPath.startsWith(SYNC_PREFIX);
    const r = resolve(flags, io.env, sync);
    let pathAndQuery = rawPath;
    if (pathAndQuery.includes('{merchantId}')) {
      if (!r.merchantId) throw new UsageError('the path has {merchantId}: pass --merchant <merchantId>');
      pathAndQuery = pathAndQuery.replaceAll('{merchantId}', encodeURIComponent(r.merchantId));
    }
    const key = flags['idempotence-key'];
    request = {
      method,
      pathAndQuery,
      body: readBody(flags.data),
      keyId: r.keyId,
      secret: r.secret,
      idempotenceKey: typeof key === 'string' ? key : undefined,
      now: new Date(),
      url: r.url,
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err.write(
      `request: ${e.message}\n  npm run core -- request <GET|POST|DELETE> <path> [--data <json> | --data @<file>]\n`,
    );
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(request.url + request.pathAndQuery, {
      method: request.method,
      headers: signedHeaders(request),
      body: request.body,
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    io.err.write(
      `request: no core answers at ${request.url} (${cause}). Start it with 'npm start' or 'npm run core', ` +
        `or point --url (or COUNTER_URL) at it.\n`,
    );
    return 1;
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page?): printed as it came.
  }
  if (flags.json === true) io.out.write(JSON.stringify({ status: res.status, body }) + '\n');
  else {
    io.out.write(`HTTP ${res.status} ${res.statusText}\n`);
    if (body !== null) io.out.write((typeof body === 'string' ? body : JSON.stringify(body, null, 2)) + '\n');
  }
  return res.status >= 400 ? 1 : 0;
}
