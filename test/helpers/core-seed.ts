/**
 * A fresh PostgreSQL database for tests that spawn core processes: migrated, with one merchant and its API key,
 * encrypted under a master key the spawned processes share (`coreEnv`).
 */
import { randomBytes } from 'node:crypto';
import { createApiKey, createMerchant } from '../../src-core/accounts/accounts';
import type { Db } from '../../src-core/db/adapter';
import { migrate } from '../../src-core/db/migrations';
import { openPostgres } from '../../src-core/db/postgres';
import { createKeyring, type Keyring } from '../../src-core/security/keyring';
import { createPostgresDatabase } from './core-db';

export interface SeededMerchant {
  readonly url: string;
  /** A small pool for the test's own reads and seeding; the core processes open their own. */
  readonly db: Db;
  readonly keyring: Keyring;
  readonly merchantId: string;
  readonly key: { readonly keyId: string; readonly secret: string };
  /** What every core process on this database needs: its URL and the shared master key. */
  readonly coreEnv: { DATABASE_URL: string; COUNTER_MASTER_KEY: string };
  dispose(): Promise<void>;
}

export async function seedPostgresMerchant(merchantId: string, name: string): Promise<SeededMerchant> {
  const created = await createPostgresDatabase();
  const db = openPostgres({ connectionString: created.url, max: 4 });
  await migrate(db);
  const masterKey = randomBytes(32);
  const keyring = createKeyring(masterKey);
  await createMerchant(db, { id: merchantId, name });
  const key = await createApiKey(db, keyring, { merchantId });
  if (!key.ok) throw new Error(key.error.message);
  return {
    url: created.url,
    db,
    keyring,
    merchantId,
    key: { keyId: key.value.keyId, secret: key.value.secret },
    coreEnv: { DATABASE_URL: created.url, COUNTER_MASTER_KEY: masterKey.toString('hex') },
    async dispose() {
      await db.close();
      await created.drop();
    },
  };
}
