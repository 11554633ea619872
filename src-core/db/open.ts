/** Picks the database from the environment: `DATABASE_URL` → PostgreSQL, otherwise PGlite in the data dir. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './adapter';
import { migrate } from './migrations';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export interface DatabaseConfig {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** false → statements are not prepared (behind a pooler that does not keep them; postgres.ts). */
  prepareStatements?: boolean;
  /** false → no transaction shares a commit with others: each commits alone (db/shared-commits.ts). */
  sharedCommits?: boolean;
}

export function databaseConfigFromEnv(env: NodeJS.ProcessEnv): DatabaseConfig {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.COUNTER_DATA_DIR || './.counter/core'),
    poolSize: env.DATABASE_POOL_SIZE ? Number(env.DATABASE_POOL_SIZE) : undefined,
    prepareStatements: env.DATABASE_PREPARED_STATEMENTS !== '0',
    sharedCommits: env.DATABASE_SHARED_COMMITS !== '0',
  };
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  let db: Db;
  if (config.databaseUrl) {
    db = openPostgres({
      connectionString: config.databaseUrl,
      max: config.poolSize,
      prepareStatements: config.prepareStatements,
      ...(config.sharedCommits === false ? { sharedCommits: false as const } : {}),
    });
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    db = await openPglite(path.join(config.dataDir, 'pgdata'));
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
