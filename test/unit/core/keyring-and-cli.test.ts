/** Secrets at rest (AES-256-GCM bound to their row), the migration splitter and the CLI's flag parser. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../../src-core/admin/commands';
import { splitStatements } from '../../../src-core/db/migrations';
import { createKeyring, parseMasterKey } from '../../../src-core/security/keyring';

describe('keyring', () => {
  const keyring = createKeyring(randomBytes(32));

  it('round-trips a secret, never stores it in clear, and uses a fresh nonce each time', () => {
    const a = keyring.encrypt('s3cret-value', 'key-1');
    const b = keyring.encrypt('s3cret-value', 'key-1');
    expect(a).not.toContain('s3cret-value');
    expect(a).not.toBe(b);
    expect(keyring.decrypt(a, 'key-1')).toBe('s3cret-value');
  });

  it('refuses a ciphertext moved to another row, tampered with, or read with another master key', () => {
    const c = keyring.encrypt('s3cret-value', 'key-1');
    expect(() => keyring.decrypt(c, 'key-2')).toThrow();
    const parts = c.split(':');
    const tampered = [...parts.slice(0, 3), Buffer.from('x' + parts[3]!).toString('base64')].join(':');
    expect(() => keyring.decrypt(tampered, 'key-1')).toThrow();
    expect(() => createKeyring(randomBytes(32)).decrypt(c, 'key-1')).toThrow();
  });

  it('reads a master key as 64 hex digits or base64 and refuses other lengths', () => {
    const key = randomBytes(32);
    expect(Buffer.from(parseMasterKey(key.toString('hex')))).toEqual(key);
    expect(Buffer.from(parseMasterKey(key.toString('base64')))).toEqual(key);
    expect(() => parseMasterKey('abcd')).toThrow(/32 bytes/);
  });
});

describe('migration statements', () => {
  it('splits on line-ending semicolons and keeps $$ function bodies whole', () => {
    const sql = `CREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'no';\nEND\n$$;\nSELECT 1;`;
    const parts = splitStatements(sql);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toContain("RAISE EXCEPTION 'no';");
  });
});

describe('CLI flags', () => {
  it('reads --name value, --name=value and bare switches', () => {
    expect(parseFlags(['--name', 'Corner Shop', '--id=M1', '--json'])).toEqual({
      positional: [],
      flags: { name: 'Corner Shop', id: 'M1', json: true },
    });
  });
});
