/**
 * `npm run core` as an operator uses it: the CLI creates a merchant, an API key, a store and a terminal
 * (text and --json), secrets are stored encrypted, and the server then serves /health and the SDK with those
 * credentials, and shuts down gracefully on SIGTERM.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../../src-core/db/pglite';
import { runCoreCommand, spawnCore } from '../../helpers/core-process';
import { sdkClient } from '../../helpers/core-server';

describe('core CLI and server process (PGlite in a data directory)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'counter-core-cli-'));
  const env = { COUNTER_DATA_DIR: dataDir, DATABASE_URL: '', COUNTER_MASTER_KEY: '' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  let apiKeyId = '';
  let secret = '';

  it('creates a merchant, an API key, a store and a terminal; prints secrets once and stores them encrypted', async () => {
    const merchant = await runCoreCommand(['create-merchant', '--name', 'Corner Shop', '--id', 'M123'], env);
    expect(merchant.code, merchant.stderr).toBe(0);
    expect(merchant.stdout).toContain('merchant id: M123');
    const key = await runCoreCommand(['create-api-key', '--merchant', 'M123', '--json'], env);
    expect(key.code, key.stderr).toBe(0);
    ({ keyId: apiKeyId, secret } = JSON.parse(key.stdout) as { keyId: string; secret: string });
    expect(apiKeyId).toMatch(/^ak[0-9a-f]{20}$/);
    const store = await runCoreCommand(
      ['create-store', '--merchant', 'M123', '--name', 'Main street', '--json'],
      env,
    );
    expect(store.code, store.stderr).toBe(0);
    const terminal = await runCoreCommand(
      ['enroll-terminal', '--merchant', 'M123', '--store', 'Main street', '--json'],
      env,
    );
    expect(terminal.code, terminal.stderr).toBe(0);
    const t = JSON.parse(terminal.stdout) as { issuer: number; keyId: string; secret: string };
    expect(t.issuer).toBeGreaterThanOrEqual(1000);
    const second = await runCoreCommand(
      ['enroll-terminal', '--merchant', 'M123', '--store', 'Main street', '--json'],
      env,
    );
    expect((JSON.parse(second.stdout) as { issuer: number }).issuer).toBe(t.issuer + 1);
    const list = await runCoreCommand(['list-merchants'], env);
    expect(list.stdout).toContain('M123\tCorner Shop');
    // Usage errors say what is missing and exit 2.
    const missing = await runCoreCommand(['create-api-key'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --merchant');
    const unknownMerchant = await runCoreCommand(['create-api-key', '--merchant', 'NOPE'], env);
    expect(unknownMerchant.code).toBe(1);
    expect(unknownMerchant.stderr).toContain('MERCHANT_NOT_FOUND');
    // The master key file is private, and no secret is in the database in clear.
    expect(statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    const db = await openPglite(path.join(dataDir, 'pgdata'));
    const rows = await db.query<{ secret_ciphertext: string }>(
      'SELECT secret_ciphertext FROM api_keys UNION ALL SELECT secret_ciphertext FROM terminals',
    );
    await db.close();
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.secret_ciphertext).toMatch(/^v1:/);
      expect(r.secret_ciphertext).not.toContain(secret);
      expect(r.secret_ciphertext).not.toContain(t.secret);
    }
    expect(readFileSync(path.join(dataDir, 'master.key'), 'utf8')).not.toContain(secret);
  });

  it('serves /health and the SDK with the CLI-made key, logs JSON, and stops cleanly on SIGTERM', async () => {
    const core = await spawnCore(env);
    try {
      const health = await fetch(`http://127.0.0.1:${core.port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'pglite' });
      const sdk = sdkClient(core.port, apiKeyId, secret);
      const r = await sdk.services.testConnection('M123');
      expect(r.isSuccess).toBe(true);
    } finally {
      const code = await core.stop();
      expect(code).toBe(0);
    }
    const lines = core.output().trim().split('\n');
    expect(lines.some((l) => l.includes('"msg":"core shutting down"'))).toBe(true);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(core.output()).not.toContain(secret);
  });

  it('graceful shutdown: a request in flight at SIGTERM still gets its answer, later ones are refused', async () => {
    const core = await spawnCore({ ...env, SANDBOX_LATENCY_MS: '1500' });
    const sdk = sdkClient(core.port, apiKeyId, secret);
    const inFlight = sdk.payments.createPayment('M123', {
      order: { amountOfMoney: { amount: 1_000, currencyCode: 'EUR' } },
      cardPaymentMethodSpecificInput: {
        card: { cardNumber: '4330264936344675', expiryDate: '1230', cvv: '123' },
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    const exited = core.stop();
    await new Promise((r) => setTimeout(r, 200));
    const late = await fetch(`http://127.0.0.1:${core.port}/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(await exited).toBe(0);
  });
});

describe('a CLI command while a core serves the same PGlite directory', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'counter-core-live-'));
  const env = { COUNTER_DATA_DIR: dataDir, DATABASE_URL: '', COUNTER_MASTER_KEY: '' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('goes through the running core: the new merchant and key work at once, and the store stays usable', async () => {
    const core = await spawnCore(env);
    let apiKeyId = '';
    let secret = '';
    try {
      const merchant = await runCoreCommand(['create-merchant', '--name', 'Live Shop', '--id', 'M77'], env);
      expect(merchant.code, merchant.stderr).toBe(0);
      expect(merchant.stdout).toContain('merchant id: M77');
      const key = await runCoreCommand(['create-api-key', '--merchant', 'M77', '--json'], env);
      expect(key.code, key.stderr).toBe(0);
      ({ keyId: apiKeyId, secret } = JSON.parse(key.stdout) as { keyId: string; secret: string });
      const r = await sdkClient(core.port, apiKeyId, secret).services.testConnection('M77');
      expect(r.isSuccess, JSON.stringify(r.body)).toBe(true);
      // Refusals keep their exit codes through the running core.
      const unknown = await runCoreCommand(['create-api-key', '--merchant', 'NOPE'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('MERCHANT_NOT_FOUND');
      const usage = await runCoreCommand(['create-store', '--merchant', 'M77'], env);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('missing --name');
    } finally {
      expect(await core.stop()).toBe(0);
    }
    // Afterwards the CLI opens the directory itself and finds everything the core wrote.
    const list = await runCoreCommand(['list-api-keys', '--merchant', 'M77'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(apiKeyId);
    expect(list.stderr).not.toContain('Aborted');
  });
});
