/**
 * A core server on loopback port 0 for integration tests, on PGlite or PostgreSQL, with a merchant, an API
 * key, a store and a terminal, plus the official SDK pointed at it and a raw signed-request client.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { init, type Client } from 'onlinepayments-sdk-nodejs';
import type { Acquirer } from '../../src-core/acquirer/acquirer';
import { createSandboxAcquirer } from '../../src-core/acquirer/sandbox';
import { createApiKey, createMerchant, createStore, enrollTerminal } from '../../src-core/accounts/accounts';
import type { TransportPolicy } from '../../src-core/routing/transport';
import { authorizationHeader, formatHttpDate, signV1Hmac } from '../../src-core/routing/v1hmac';
import { createLedgerContext, type Clock } from '../../src-core/ledger/context';
import { createLedgerService, type LedgerService } from '../../src-core/ledger/service';
import { createKeyring } from '../../src-core/security/keyring';
import { buildCoreServer } from '../../src-core/server';
import { bodyDigest } from '../../src-core/sync/body-digest';
import { SYNC_BODY_DIGEST_HEADER } from '../../src-shared/sync-protocol';
import type { Uuid } from '../../src-shared';
import type { Db } from '../../src-core/db/adapter';
import type { AcquirerJournal, JournalOptions } from '../../src-core/journal/journal';
import { openTestDatabase, type TestDatabase } from './core-db';

export interface TestCore {
  url: string;
  /** The Fastify app (to `inject` requests, e.g. from a simulated remote address). */
  app: FastifyInstance;
  port: number;
  t: TestDatabase;
  ledger: LedgerService;
  /** The server's write-ahead acquirer journal (to reconcile in tests). */
  journal: AcquirerJournal;
  merchantId: string;
  apiKeyId: string;
  secret: string;
  storeId: Uuid;
  terminal: { terminalId: Uuid; keyId: string; secret: string; issuer: number };
  sdk: Client;
  /** The keyring the server decrypts secrets with (to enroll more terminals in tests). */
  keyring: ReturnType<typeof createKeyring>;
  /** Every log line the server wrote (JSON), to check that no card data or secret appears. */
  logs: string[];
  raw: RawClient;
  close(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export type RawClient = (
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options?: {
    body?: string | object;
    headers?: Record<string, string>;
    /** Sign with another key/secret, or not at all. */
    keyId?: string;
    secret?: string | null;
    date?: Date;
    /**
     * Sync requests (`/sync/v1/…`) with a body carry the signed body digest as a terminal sends it
     * (SYNC_BODY_DIGEST_HEADER); false leaves it out. A digest given in `headers` is sent as given.
     */
    bodyDigest?: boolean;
  },
) => Promise<RawResponse>;

export function rawClient(baseUrl: string, keyId: string, secret: string): RawClient {
  return async (method, path, options = {}) => {
    const date = formatHttpDate(options.date ?? new Date());
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Date: date,
      ...(body !== undefined && path.startsWith('/sync/v1/') && options.bodyDigest !== false
        ? { [SYNC_BODY_DIGEST_HEADER]: bodyDigest(body) }
        : {}),
      ...options.headers,
    };
    const s = options.secret === undefined ? secret : options.secret;
    if (s !== null) {
      const signature = signV1Hmac(s, {
        method,
        contentType: headers['Content-Type'],
        date,
        headers,
        pathAndQuery: path,
      });
      headers.Authorization = authorizationHeader(options.keyId ?? keyId, signature);
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}

export function sdkClient(port: number, apiKeyId: string, secretApiKey: string): Client {
  return init({
    host: '127.0.0.1',
    scheme: 'http',
    port,
    apiKeyId,
    secretApiKey,
    integrator: 'counter-tests',
  });
}

export async function startTestCore(
  kind: 'pglite' | 'postgres',
  options: {
    clock?: Clock;
    dateSkewMs?: number;
    /** Wraps the core's database (a fault injector); the sandbox acquirer keeps the real one. */
    wrapDb?: (db: Db) => Db;
    /** Wraps the sandbox acquirer (to interleave something with its calls); the test's name says so. */
    wrapAcquirer?: (acquirer: Acquirer, ledger: LedgerService) => Acquirer;
    journal?: JournalOptions;
    transport?: TransportPolicy;
    /** The double-refund rule's window (repeat-refund.ts); absent → the core's default of 10 minutes. */
    refundRepeatWindowMs?: number;
  } = {},
): Promise<TestCore> {
  const t = await openTestDatabase(kind, 20);
  const keyring = createKeyring(randomBytes(32));
  const ctx = createLedgerContext(options.clock, { refundRepeatWindowMs: options.refundRepeatWindowMs });
  const coreDb = options.wrapDb ? options.wrapDb(t.db) : t.db;
  const ledger = createLedgerService(coreDb, ctx);
  const merchant = await createMerchant(t.db, { name: 'Test shop' });
  if (!merchant.ok) throw new Error(merchant.error.message);
  const merchantId = merchant.value.id;
  const key = await createApiKey(t.db, keyring, { merchantId });
  const store = await createStore(t.db, ctx, { merchantId, name: 'Main street' });
  if (!key.ok || !store.ok) throw new Error('seeding failed');
  const terminal = await enrollTerminal(t.db, ctx, keyring, { merchantId, store: store.value.storeId });
  if (!terminal.ok) throw new Error(terminal.error.message);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const server = await buildCoreServer({
    db: coreDb,
    ledger,
    keyring,
    // The acquirer's own records live beside ours but never fail with a fault injected into ours.
    acquirer: (options.wrapAcquirer ?? ((a) => a))(
      createSandboxAcquirer({ db: t.db, clock: options.clock }),
      ledger,
    ),
    logger: { level: 'info', stream },
    dateSkewMs: options.dateSkewMs,
    journal: options.journal,
    transport: options.transport,
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    app: server.app,
    port,
    t,
    ledger,
    journal: server.journal,
    merchantId,
    apiKeyId: key.value.keyId,
    secret: key.value.secret,
    storeId: store.value.storeId,
    terminal: {
      terminalId: terminal.value.terminalId,
      keyId: terminal.value.keyId,
      secret: terminal.value.secret,
      issuer: terminal.value.issuer,
    },
    sdk: sdkClient(port, key.value.keyId, key.value.secret),
    keyring,
    logs,
    raw: rawClient(url, key.value.keyId, key.value.secret),
    async close() {
      await server.app.close();
      await t.dispose();
    },
  };
}
