/**
 * Enrolling a counter with a core from the manager's settings screen (`core.enrol`), against a real core on
 * PGlite and a whole host (createHost, SQLite, the virtual terminal on a pty) that starts without a core:
 * the host checks what the manager typed with a signed request and saves nothing unless the core confirms
 * it; once enrolled, the running sync daemon sends a sale to the core without a restart; the secret is in
 * the 0600 file beside the data and in no database value; re-enrolling with messages queued asks first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTerminal } from '../../../src-core/accounts/accounts';
import { createHost } from '../../../src-main/host/compose';
import { TERMINAL_SECRET_ENV } from '../../../src-main/host/sync-wiring';
import { TERMINAL_SECRET_FILE } from '../../../src-main/host/terminal-secret';
import { auditTrail } from '../../../src-main/store';
import { createCoreClient } from '../../../src-main/sync/core-client';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { filesUnder, sqliteTextValues } from '../../helpers/host-store';
import { MANAGER_PIN, startManagerHost, type ManagerHost } from '../../helpers/manager-host';

/** The issuer number inside a 19-digit payment id (format digit, then six digits of issuer). */
const issuerOf = (paymentId: string) => Number(paymentId.slice(1, 7));

/** Every value of every table holding `needle`, as `table.column rowid n`. */
const valuesHolding = (file: string, needle: string): string[] =>
  sqliteTextValues(file)
    .filter((v) => v.text.includes(needle))
    .map((v) => v.where);

describe('enrolment from the settings screen against a core on PGlite', () => {
  let core: TestCore;
  let m: ManagerHost;
  const enrol = (over: Record<string, unknown> = {}) =>
    m.call('core.enrol', {
      coreUrl: core.url,
      keyId: core.terminal.keyId,
      secret: core.terminal.secret,
      issuer: core.terminal.issuer,
      manager: MANAGER_PIN,
      ...over,
    });
  const secretFile = () => path.join(m.dir, TERMINAL_SECRET_FILE);
  const nothingSaved = async () => {
    expect(fs.existsSync(secretFile())).toBe(false);
    const s = await m.call('settings.get');
    expect(s.value.core).toMatchObject({ url: null, enrolled: false, keyId: null, secretKeptIn: null });
    expect(m.host.sync).toBeNull();
  };

  beforeAll(async () => {
    core = await startTestCore('pglite');
    m = await startManagerHost(); // not enrolled: sells offline only
    await m.call('drawer.open', { floatMinor: 5_000, operatorId: 'manager' });
  }, 90_000);
  let closed = false;
  afterAll(async () => {
    if (!closed) await m?.close();
    await core?.close();
  });

  it('refuses a wrong PIN, a wrong secret, a core that does not answer and another issuer, saving nothing', async () => {
    const before = await m.call('status');
    expect(before.value.core).toEqual({ enrolled: false, url: null, keyId: null });

    const pin = await enrol({ manager: { managerId: 'manager', managerPin: '0000' } });
    expect(pin.ok).toBe(false);
    await nothingSaved();

    const wrong = await enrol({ secret: `${core.terminal.secret.slice(0, -4)}AAAA` });
    expect(wrong.ok).toBe(false);
    expect(wrong.error.message).toMatch(/refused this key id and secret/);
    expect(wrong.error.message).toMatch(/enroll-terminal/);
    expect(wrong.error.message).toMatch(/nothing was saved/);
    expect(wrong.error.message).not.toContain(core.terminal.secret.slice(0, 12));
    await nothingSaved();

    // A port nothing listens on (the core's own port + a closed one is not guaranteed; port 1 is).
    const down = await enrol({ coreUrl: 'http://127.0.0.1:1' });
    expect(down.ok).toBe(false);
    expect(down.error.message).toMatch(/did not answer .*check the address and that the core is running/);
    await nothingSaved();

    const issuer = await enrol({
      issuer: core.terminal.issuer === 999_999 ? 1000 : core.terminal.issuer + 1,
    });
    expect(issuer.ok).toBe(false);
    expect(issuer.error.message).toMatch(
      new RegExp(`belongs to issuer ${core.terminal.issuer}, not \\d+: enter the issuer`),
    );
    await nothingSaved();

    const http = await enrol({ coreUrl: 'http://pay.example.com' });
    expect(http.ok).toBe(false);
    expect(http.error.message).toMatch(/plain http is allowed only on this machine/);
    await nothingSaved();
  });

  it('saves the right credentials, syncs a sale without a restart, keeps the secret in a 0600 file only', async () => {
    const ok = await enrol();
    expect(ok.ok).toBe(true);
    expect(ok.value).toMatchObject({
      saved: true,
      // The first enrolment asks nothing: the drawer opened before it is sent to the core now.
      queued: { count: 1, kinds: [{ kind: 'CASH_MOVEMENT', count: 1 }], coreUrl: null },
      terminalId: core.terminal.terminalId,
      storeId: core.storeId,
      issuer: core.terminal.issuer,
      secretKeptIn: 'file',
    });
    const settings = await m.call('settings.get');
    expect(settings.value.core).toEqual({
      url: core.url,
      enrolled: true,
      terminalId: core.terminal.terminalId,
      keyId: core.terminal.keyId,
      issuer: core.terminal.issuer,
      secretKeptIn: 'file',
    });
    const status = await m.call('status');
    expect(status.value).toMatchObject({
      issuer: core.terminal.issuer,
      core: { enrolled: true, url: core.url, keyId: core.terminal.keyId },
    });
    expect(JSON.stringify(settings.value)).not.toContain(core.terminal.secret);
    expect(JSON.stringify(status.value)).not.toContain(core.terminal.secret);

    // The file: owner-only, holding the secret.
    const st = fs.statSync(secretFile());
    expect(st.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secretFile(), 'utf8').trim()).toBe(core.terminal.secret);

    // The audit says who enrolled which key, never the secret.
    const audit = auditTrail(m.host.db).filter((a) => a.action === 'core.enrol');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'manager', subject: core.terminal.terminalId });
    expect(JSON.stringify(audit)).not.toContain(core.terminal.secret);

    // A cash sale now: the running daemon sends it with the new key; the core has the order.
    const sale = await m.call('sale.checkout', {
      entries: [{ description: 'Bell', amountMinor: 900, taxRateBp: 1900 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
      operatorId: 'cashier',
    });
    expect(sale.ok).toBe(true);
    expect(issuerOf(sale.value.tenders[0].paymentId)).toBe(core.terminal.issuer);
    // Nobody presses "sync now": the running daemon, woken by the sale, sends it.
    let queued = -1;
    for (let i = 0; i < 100 && queued !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      queued = (await m.call('status')).value.queued;
    }
    expect(queued).toBe(0);
    expect((await m.call('status')).value.online).toBe(true);
    const reader = createCoreClient({
      baseUrl: core.url,
      keyId: core.terminal.keyId,
      secret: core.terminal.secret,
    });
    const atCore = await reader.order(sale.value.orderId);
    expect(atCore.ok).toBe(true);

    // The secret is in no database value (the database travels in rescue exports and backups).
    const dbFiles = filesUnder(m.dir).filter((f) => /\.(sqlite|db)$/.test(f));
    expect(dbFiles.length).toBeGreaterThan(0);
    for (const f of dbFiles) expect(valuesHolding(f, core.terminal.secret)).toEqual([]);
    for (const f of filesUnder(m.dir).filter((f) => /-wal$/.test(f)))
      expect(fs.readFileSync(f).toString('latin1').includes(core.terminal.secret)).toBe(false);
  });

  it('re-enrolling with another key while the queue holds messages says what is queued and waits for a yes', async () => {
    const other = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
      merchantId: core.merchantId,
      store: core.storeId,
    });
    if (!other.ok) throw new Error(other.error.message);
    // The daemon is paused so the sale stays queued.
    await m.host.sync?.daemon.stop();
    const sale = await m.call('sale.checkout', {
      entries: [{ description: 'Horn', amountMinor: 700, taxRateBp: 1900 }],
      tenders: [{ method: 'CASH', tenderedMinor: 700 }],
      operatorId: 'cashier',
    });
    expect(sale.ok).toBe(true);
    const next = {
      keyId: other.value.keyId,
      secret: other.value.secret,
      issuer: other.value.issuer,
    };
    const ask = await enrol(next);
    expect(ask.ok).toBe(true);
    expect(ask.value.saved).toBe(false);
    expect(ask.value.queued.count).toBeGreaterThanOrEqual(1);
    expect(ask.value.queued.coreUrl).toBe(core.url);
    expect(ask.value.queued.kinds.length).toBeGreaterThan(0);
    expect((await m.call('settings.get')).value.core.keyId).toBe(core.terminal.keyId);
    expect(fs.readFileSync(secretFile(), 'utf8').trim()).toBe(core.terminal.secret);

    const yes = await enrol({ ...next, confirmQueued: true });
    expect(yes.value).toMatchObject({ saved: true, issuer: other.value.issuer });
    expect((await m.call('settings.get')).value.core).toMatchObject({
      keyId: other.value.keyId,
      enrolled: true,
      terminalId: other.value.terminalId,
    });
    expect(fs.readFileSync(secretFile(), 'utf8').trim()).toBe(other.value.secret);
    expect(fs.statSync(secretFile()).mode & 0o777).toBe(0o600);
    // The new key is in use: the next payment id carries the new issuer.
    const after = await m.call('sale.checkout', {
      entries: [{ description: 'Bell', amountMinor: 900, taxRateBp: 1900 }],
      tenders: [{ method: 'CASH', tenderedMinor: 900 }],
      operatorId: 'cashier',
    });
    expect(issuerOf(after.value.tenders[0].paymentId)).toBe(other.value.issuer);
  });

  it('a host started again reads the secret from the 0600 file (the environment wins when set), and refuses a file others can read', async () => {
    closed = true;
    await m.close();
    const saved = process.env[TERMINAL_SECRET_ENV];
    delete process.env[TERMINAL_SECRET_ENV];
    try {
      const again = createHost({ dataDir: m.dir, sync: 'settings' });
      if (!again.ok) throw new Error(again.error.message);
      expect(again.value.secretSource).toBe('file');
      expect(again.value.sync?.client.baseUrl).toBe(core.url);
      const who = await again.value.sync?.client.whoAmI();
      expect(who?.ok).toBe(true);
      await again.value.close();

      process.env[TERMINAL_SECRET_ENV] = 'from-the-environment';
      const env = createHost({ dataDir: m.dir, sync: 'settings' });
      if (!env.ok) throw new Error(env.error.message);
      expect(env.value.secretSource).toBe('environment');
      await env.value.close();
      delete process.env[TERMINAL_SECRET_ENV];

      fs.chmodSync(secretFile(), 0o644);
      const wide = createHost({ dataDir: m.dir, sync: 'settings' });
      expect(wide.ok).toBe(false);
      if (!wide.ok) expect(wide.error.message).toMatch(/readable by other users; run `chmod 600 /);
    } finally {
      if (saved === undefined) delete process.env[TERMINAL_SECRET_ENV];
      else process.env[TERMINAL_SECRET_ENV] = saved;
    }
  });
});
