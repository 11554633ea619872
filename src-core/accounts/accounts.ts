/**
 * Merchants, API keys, stores and terminals: what an operator creates with the CLI (`npm run core -- …`).
 * A secret is returned once, at creation, for the operator to copy; only its ciphertext is stored.
 */
import { randomBytes } from 'node:crypto';
import { domainError, err, ok, type DomainError, type Result, type Uuid } from '../../src-shared';
import { isUniqueViolation, toIso, type Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import type { Keyring } from '../security/keyring';

export interface Merchant {
  id: string;
  name: string;
  createdAt: string;
}

export interface CreatedKey {
  keyId: string;
  /** Shown once; never stored in clear. */
  secret: string;
}

const newKeyId = (prefix: string) => `${prefix}${randomBytes(10).toString('hex')}`;
const newSecret = () => randomBytes(32).toString('base64');

export const MERCHANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

export async function createMerchant(
  q: Queryable,
  input: { id?: string; name: string },
): Promise<Result<Merchant, DomainError>> {
  const id = input.id ?? `M${randomBytes(5).toString('hex').toUpperCase()}`;
  if (!MERCHANT_ID_PATTERN.test(id)) {
    return err(
      domainError('REQUEST_INVALID', { propertyName: 'id', reason: 'use 1-40 letters, digits, - or _' }),
    );
  }
  if (!input.name.trim())
    return err(domainError('REQUEST_INVALID', { propertyName: 'name', reason: 'it is empty' }));
  try {
    const rows = await q.query<{ id: string; name: string; created_at: Date }>(
      'INSERT INTO merchants (id, name) VALUES ($1, $2) RETURNING id, name, created_at',
      [id, input.name.trim()],
    );
    const r = rows[0]!;
    return ok({ id: r.id, name: r.name, createdAt: toIso(r.created_at, 'created_at') });
  } catch (e) {
    if (isUniqueViolation(e)) {
      return err(
        domainError('REQUEST_INVALID', { propertyName: 'id', reason: `merchant ${id} exists already` }),
      );
    }
    throw e;
  }
}

export async function listMerchants(q: Queryable): Promise<Merchant[]> {
  const rows = await q.query<{ id: string; name: string; created_at: Date }>(
    'SELECT id, name, created_at FROM merchants ORDER BY created_at, id',
  );
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: toIso(r.created_at, 'created_at') }));
}

async function merchantExists(q: Queryable, merchantId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM merchants WHERE id = $1', [merchantId])).length > 0;
}

export async function createApiKey(
  q: Queryable,
  keyring: Keyring,
  input: { merchantId: string; label?: string },
): Promise<Result<CreatedKey & { merchantId: string }, DomainError>> {
  if (!(await merchantExists(q, input.merchantId))) {
    return err(domainError('MERCHANT_NOT_FOUND', { merchantId: input.merchantId }));
  }
  const keyId = newKeyId('ak');
  const secret = newSecret();
  await q.query('INSERT INTO api_keys (id, merchant_id, secret_ciphertext, label) VALUES ($1, $2, $3, $4)', [
    keyId,
    input.merchantId,
    keyring.encrypt(secret, keyId),
    input.label ?? null,
  ]);
  return ok({ keyId, secret, merchantId: input.merchantId });
}

export interface ApiKeyInfo {
  keyId: string;
  merchantId: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export async function listApiKeys(q: Queryable, merchantId: string): Promise<ApiKeyInfo[]> {
  const rows = await q.query<{
    id: string;
    merchant_id: string;
    label: string | null;
    created_at: Date;
    revoked_at: Date | null;
  }>(
    'SELECT id, merchant_id, label, created_at, revoked_at FROM api_keys WHERE merchant_id = $1 ORDER BY created_at',
    [merchantId],
  );
  return rows.map((r) => ({
    keyId: r.id,
    merchantId: r.merchant_id,
    label: r.label,
    createdAt: toIso(r.created_at, 'created_at'),
    revokedAt: r.revoked_at ? toIso(r.revoked_at, 'revoked_at') : null,
  }));
}

export async function revokeApiKey(q: Queryable, keyId: string): Promise<boolean> {
  const rows = await q.query(
    'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [keyId],
  );
  return rows.length > 0;
}

export interface Store {
  storeId: Uuid;
  merchantId: string;
  name: string;
  createdAt: string;
}

export async function createStore(
  q: Queryable,
  ctx: LedgerContext,
  input: { merchantId: string; name: string },
): Promise<Result<Store, DomainError>> {
  if (!(await merchantExists(q, input.merchantId))) {
    return err(domainError('MERCHANT_NOT_FOUND', { merchantId: input.merchantId }));
  }
  if (!input.name.trim())
    return err(domainError('REQUEST_INVALID', { propertyName: 'name', reason: 'it is empty' }));
  try {
    const rows = await q.query<{ id: string; created_at: Date }>(
      'INSERT INTO stores (id, merchant_id, name) VALUES ($1, $2, $3) RETURNING id, created_at',
      [ctx.newId(), input.merchantId, input.name.trim()],
    );
    const r = rows[0]!;
    return ok({
      storeId: r.id as Uuid,
      merchantId: input.merchantId,
      name: input.name.trim(),
      createdAt: toIso(r.created_at, 'created_at'),
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      return err(
        domainError('REQUEST_INVALID', {
          propertyName: 'name',
          reason: `store '${input.name}' exists already`,
        }),
      );
    }
    throw e;
  }
}

export async function listStores(q: Queryable, merchantId: string): Promise<Store[]> {
  const rows = await q.query<{ id: string; merchant_id: string; name: string; created_at: Date }>(
    'SELECT id, merchant_id, name, created_at FROM stores WHERE merchant_id = $1 ORDER BY created_at',
    [merchantId],
  );
  return rows.map((r) => ({
    storeId: r.id as Uuid,
    merchantId: r.merchant_id,
    name: r.name,
    createdAt: toIso(r.created_at, 'created_at'),
  }));
}

/** A store by its id or its name within the merchant. */
export async function findStore(q: Queryable, merchantId: string, idOrName: string): Promise<Store | null> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrName);
  const rows = await q.query<{ id: string; merchant_id: string; name: string; created_at: Date }>(
    `SELECT id, merchant_id, name, created_at FROM stores WHERE merchant_id = $1 AND ${isUuid ? 'id = $2::uuid' : 'name = $2'}`,
    [merchantId, idOrName],
  );
  const r = rows[0];
  return r
    ? {
        storeId: r.id as Uuid,
        merchantId: r.merchant_id,
        name: r.name,
        createdAt: toIso(r.created_at, 'created_at'),
      }
    : null;
}

export interface Terminal {
  terminalId: Uuid;
  merchantId: string;
  storeId: Uuid;
  /** The payment-id issuer number of this terminal (≥ 1000, src-shared/ids.ts). */
  issuer: number;
  keyId: string;
  label: string | null;
  enrolledAt: string;
  revokedAt: string | null;
}

export async function enrollTerminal(
  q: Queryable,
  ctx: LedgerContext,
  keyring: Keyring,
  input: { merchantId: string; store: string; label?: string },
): Promise<Result<Terminal & { secret: string }, DomainError>> {
  if (!(await merchantExists(q, input.merchantId))) {
    return err(domainError('MERCHANT_NOT_FOUND', { merchantId: input.merchantId }));
  }
  const store = await findStore(q, input.merchantId, input.store);
  if (!store) {
    return err(
      domainError('REQUEST_INVALID', {
        propertyName: 'store',
        reason: `no store '${input.store}' for merchant ${input.merchantId}`,
      }),
    );
  }
  const terminalId = ctx.newId();
  const keyId = newKeyId('tk');
  const secret = newSecret();
  // The issuer comes from a database sequence: two enrollments at once can never share one.
  const rows = await q.query<{ issuer: number; enrolled_at: Date }>(
    `INSERT INTO terminals (id, merchant_id, store_id, issuer, key_id, secret_ciphertext, label)
     VALUES ($1, $2, $3, nextval('terminal_issuer_seq'), $4, $5, $6) RETURNING issuer, enrolled_at`,
    [terminalId, input.merchantId, store.storeId, keyId, keyring.encrypt(secret, keyId), input.label ?? null],
  );
  const r = rows[0]!;
  return ok({
    terminalId,
    merchantId: input.merchantId,
    storeId: store.storeId,
    issuer: Number(r.issuer),
    keyId,
    secret,
    label: input.label ?? null,
    enrolledAt: toIso(r.enrolled_at, 'enrolled_at'),
    revokedAt: null,
  });
}

interface TerminalRow {
  id: string;
  merchant_id: string;
  store_id: string;
  issuer: number;
  key_id: string;
  label: string | null;
  enrolled_at: Date;
  revoked_at: Date | null;
}

const rowToTerminal = (r: TerminalRow): Terminal => ({
  terminalId: r.id as Uuid,
  merchantId: r.merchant_id,
  storeId: r.store_id as Uuid,
  issuer: Number(r.issuer),
  keyId: r.key_id,
  label: r.label,
  enrolledAt: toIso(r.enrolled_at, 'enrolled_at'),
  revokedAt: r.revoked_at ? toIso(r.revoked_at, 'revoked_at') : null,
});

export async function listTerminals(q: Queryable, merchantId: string): Promise<Terminal[]> {
  const rows = await q.query<TerminalRow>(
    'SELECT id, merchant_id, store_id, issuer, key_id, label, enrolled_at, revoked_at FROM terminals WHERE merchant_id = $1 ORDER BY issuer',
    [merchantId],
  );
  return rows.map(rowToTerminal);
}

export async function revokeTerminal(q: Queryable, terminalId: string): Promise<boolean> {
  const rows = await q.query(
    'UPDATE terminals SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [terminalId],
  );
  return rows.length > 0;
}

/** What request authentication needs for a key id: whose it is, and the secret in clear. */
export interface KeyCredentials {
  kind: 'api' | 'terminal';
  keyId: string;
  merchantId: string;
  secret: string;
  /** For terminal keys. */
  terminal: Terminal | null;
}

/** Looks a key id up among API keys and terminal keys; revoked keys are not found. */
export async function findCredentials(
  q: Queryable,
  keyring: Keyring,
  keyId: string,
): Promise<KeyCredentials | null> {
  const api = await q.query<{ merchant_id: string; secret_ciphertext: string }>(
    'SELECT merchant_id, secret_ciphertext FROM api_keys WHERE id = $1 AND revoked_at IS NULL',
    [keyId],
  );
  if (api[0]) {
    return {
      kind: 'api',
      keyId,
      merchantId: api[0].merchant_id,
      secret: keyring.decrypt(api[0].secret_ciphertext, keyId),
      terminal: null,
    };
  }
  const term = await q.query<TerminalRow & { secret_ciphertext: string }>(
    `SELECT id, merchant_id, store_id, issuer, key_id, label, enrolled_at, revoked_at, secret_ciphertext
     FROM terminals WHERE key_id = $1 AND revoked_at IS NULL`,
    [keyId],
  );
  if (term[0]) {
    return {
      kind: 'terminal',
      keyId,
      merchantId: term[0].merchant_id,
      secret: keyring.decrypt(term[0].secret_ciphertext, keyId),
      terminal: rowToTerminal(term[0]),
    };
  }
  return null;
}
