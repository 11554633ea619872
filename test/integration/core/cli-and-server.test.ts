/**
 * `npm run core` as an operator uses it: the CLI creates a merchant, an API key, a store and a terminal
 * (text and --json), secrets are stored encrypted, and the server then serves /health and the SDK with those
 * credentials, and shuts down gracefully on SIGTERM.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoCredentials } from '../../../src-core/admin/demo-credentials';
import { openPglite } from '../../../src-core/db/pglite';
import { runCoreCommand, spawnCore, type CoreProcess } from '../../helpers/core-process';
import { sdkClient } from '../../helpers/core-server';

// Each CLI command below is a process that boots PGlite (seconds each on a loaded 2-core machine).
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
  }, 180_000);

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
    // A stopped core leaves the directory free: no lock, no admin endpoint.
    expect(existsSync(path.join(dataDir, 'core.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'admin.json'))).toBe(false);
    const lines = core.output().trim().split('\n');
    expect(lines.some((l) => l.includes('"msg":"core shutting down"'))).toBe(true);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(core.output()).not.toContain(secret);
  });

  it('graceful shutdown: a request in flight at SIGTERM still gets its answer, later ones are refused', async () => {
    // The acquirer answers after 4 s and SIGTERM comes after 1.5 s: on a loaded 2-core machine a request
    // whose bytes have not been parsed yet when the server closes counts as idle and is cut, so leave room.
    const core = await spawnCore({ ...env, SANDBOX_LATENCY_MS: '4000' });
    const sdk = sdkClient(core.port, apiKeyId, secret);
    const inFlight = sdk.payments.createPayment('M123', {
      order: { amountOfMoney: { amount: 1_000, currencyCode: 'EUR' } },
      cardPaymentMethodSpecificInput: {
        card: { cardNumber: '4330264936344675', expiryDate: '1230', cvv: '123' },
      },
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const exited = core.stop();
    // A command given while the core stops waits for the directory instead of failing or opening it twice.
    const during = runCoreCommand(['list-merchants'], env);
    await new Promise((r) => setTimeout(r, 200));
    const late = await fetch(`http://127.0.0.1:${core.port}/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(await exited).toBe(0);
    const listed = await during;
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('M123\tCorner Shop');
  });
});

describe('a CLI command while a core serves the same PGlite directory', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'counter-core-live-'));
  const env = { COUNTER_DATA_DIR: dataDir, DATABASE_URL: '', COUNTER_MASTER_KEY: '' };
  let core: CoreProcess;
  let apiKeyId = '';
  let secret = '';
  beforeAll(async () => {
    core = await spawnCore(env);
  });
  afterAll(async () => {
    if (core.proc.exitCode === null && core.proc.signalCode === null) await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('goes through the running core: the new merchant and key work at once', async () => {
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
  }, 180_000);

  it('the admin API answers only with the per-start token from the 0600 file in the data directory', async () => {
    const admin = JSON.parse(readFileSync(path.join(dataDir, 'admin.json'), 'utf8')) as { token: string };
    expect(statSync(path.join(dataDir, 'admin.json')).mode & 0o777).toBe(0o600);
    const send = (token: string) =>
      fetch(`http://127.0.0.1:${core.port}/admin/v1/commands`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ command: 'list-merchants', args: ['--json'] }),
      });
    const wrong = await send('not-the-token');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { errors: { id: string }[] }).errors[0]!.id).toBe(
      'AUTHORIZATION_INVALID',
    );
    const right = await send(admin.token);
    expect(right.status).toBe(200);
    const answer = (await right.json()) as { exitCode: number; stdout: string };
    expect(answer.exitCode).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual([expect.objectContaining({ id: 'M77' })]);
  });

  it('a second core on the same directory refuses to start and says what to do', async () => {
    const second = await runCoreCommand([], { ...env, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by the core process`);
    expect(second.stderr).toContain('COUNTER_DATA_DIR');
    expect((await fetch(`http://127.0.0.1:${core.port}/health`)).status).toBe(200);
  });

  it('request: signs back-office, online and sync requests with the demo credentials', async () => {
    const store = await runCoreCommand(
      ['create-store', '--merchant', 'M77', '--name', 'Main', '--json'],
      env,
    );
    const terminal = await runCoreCommand(
      ['enroll-terminal', '--merchant', 'M77', '--store', 'Main', '--json'],
      env,
    );
    expect(terminal.code, terminal.stderr).toBe(0);
    const s = JSON.parse(store.stdout) as { storeId: string };
    const t = JSON.parse(terminal.stdout) as {
      terminalId: string;
      keyId: string;
      secret: string;
      issuer: number;
    };
    writeDemoCredentials(dataDir, {
      merchantId: 'M77',
      apiKeyId,
      secretApiKey: secret,
      storeId: s.storeId,
      terminalId: t.terminalId,
      terminalKeyId: t.keyId,
      terminalSecret: t.secret,
      issuer: t.issuer,
    });
    const orders = await runCoreCommand(['request', 'GET', '/backoffice/v1/{merchantId}/orders'], env);
    expect(orders.code, orders.stderr).toBe(0);
    expect(orders.stdout).toMatch(/^HTTP 200 OK\n/);
    expect(JSON.parse(orders.stdout.slice(orders.stdout.indexOf('\n')))).toHaveProperty('orders');
    const bodyFile = path.join(dataDir, 'payment.json');
    writeFileSync(
      bodyFile,
      JSON.stringify({
        order: { amountOfMoney: { amount: 1250, currencyCode: 'EUR' } },
        cardPaymentMethodSpecificInput: {
          card: { cardNumber: '4330264936344675', expiryDate: '1230', cvv: '123' },
        },
      }),
    );
    const paid = await runCoreCommand(
      [
        'request',
        'POST',
        '/v2/{merchantId}/payments',
        '--data',
        `@${bodyFile}`,
        '--idempotence-key',
        'k1',
        '--json',
      ],
      env,
    );
    expect(paid.code, paid.stderr).toBe(0);
    const answer = JSON.parse(paid.stdout) as { status: number; body: { payment: { status: string } } };
    expect(answer).toMatchObject({ status: 201, body: { payment: { status: 'CAPTURED' } } });
    const whoAmI = await runCoreCommand(['request', 'GET', '/sync/v1/terminal', '--json'], env);
    expect(whoAmI.code, whoAmI.stderr).toBe(0);
    expect(JSON.parse(whoAmI.stdout)).toMatchObject({ status: 200, body: { terminalId: t.terminalId } });
    // A refusal is printed and exits 1; a usage error exits 2 and says what to fix.
    const other = await runCoreCommand(['request', 'GET', '/backoffice/v1/SOMEONE_ELSE/orders'], env);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/^HTTP 403/);
    const badJson = await runCoreCommand(
      ['request', 'POST', '/v2/{merchantId}/payments', '--data', '{amount: 1}'],
      env,
    );
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--data is not JSON');
    const noKey = await runCoreCommand(['request', 'GET', '/sync/v1/terminal'], {
      ...env,
      COUNTER_DATA_DIR: path.join(dataDir, 'nowhere'),
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no key to sign with');
  }, 180_000);

  it('after kill -9 the stale lock is taken over: the CLI opens the directory and finds everything', async () => {
    const pid = (
      JSON.parse(
        core
          .output()
          .split('\n')
          .find((l) => l.includes('"msg":"core listening"'))!,
      ) as {
        pid: number;
      }
    ).pid;
    const exited = new Promise((r) => core.proc.once('close', r));
    process.kill(pid, 'SIGKILL');
    await exited;
    // The dead core's lock and admin endpoint are still on disk; neither is trusted.
    expect(existsSync(path.join(dataDir, 'core.lock'))).toBe(true);
    const list = await runCoreCommand(['list-api-keys', '--merchant', 'M77'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(apiKeyId);
    expect(list.stderr).not.toContain('Aborted');
    expect(existsSync(path.join(dataDir, 'core.lock'))).toBe(false);
  });
});
