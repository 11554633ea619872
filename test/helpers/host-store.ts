/** Real SQLite files in a temporary data directory for the host's tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createUuidV7Generator, type Uuid } from '../../src-shared';
import { openStore, type StoreDb } from '../../src-main/store';

export function tempDataDir(prefix = 'counter-host-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function openTestStore(dir = tempDataDir()): StoreDb {
  const r = openStore(dir);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export function newIdGenerator(): () => Uuid {
  return createUuidV7Generator({ now: () => Date.now(), randomBytes: (n) => new Uint8Array(randomBytes(n)) });
}
