/**
 * The whole system for a browser test, in temporary directories (scripts/system.ts composes it): the core on
 * embedded PGlite in its own process, a demo merchant with an online API key, a store and an enrolled counter,
 * the virtual card terminal on a socat pty (in this process, so a test presents cards and injects faults),
 * and the host with its sync daemon serving the built UI on the loopback bridge. Seeded with a cashier
 * (PIN 1111), a manager (PIN 9999), a small catalogue and an open cash drawer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'onlinepayments-sdk-nodejs';
import type { HostCommandName } from '../../../src-shared/host-api';
import type { VirtualTerminal } from '../../../src-main/zvt/virtual-terminal/terminal';
import { startSystem, type RunningSystem } from '../../../scripts/system';
import { sdkClient } from '../../helpers/core-server';

export const CASHIER = { staffId: 'cara', name: 'Cara Cashier', pin: '1111' };
export const MANAGER = { staffId: 'max', name: 'Max Manager', pin: '9999' };
export const MANAGER_AUTH = { managerId: MANAGER.staffId, managerPin: MANAGER.pin };

/** sku,barcode,name,price,taxRate */
export const CATALOGUE_CSV = [
  'sku,barcode,name,price,taxRate',
  'COFFEE-500,4006381333931,Coffee beans 500 g,8.99,7',
  'MILK-1L,4000417025005,Milk 1 l,1.19,7',
  'MUG,4012345678901,Counter mug,12.50,19',
  'BIKE,4099999999994,City bike,499.00,19',
].join('\n');

export interface E2eSystem {
  /** The cashier UI with this launch's token in the fragment. */
  readonly uiUrl: string;
  readonly bridgeUrl: string;
  readonly token: string;
  readonly coreUrl: string;
  readonly merchantId: string;
  readonly apiKeyId: string;
  readonly secretApiKey: string;
  /** The official SDK, pointed at the core with the demo merchant's online API key. */
  readonly sdk: Client;
  readonly vt: VirtualTerminal;
  readonly system: RunningSystem;
  /** One host command through the bridge (as a store IT script would), answering the value or throwing. */
  call<T = unknown>(command: HostCommandName, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startE2eSystem(
  o: { syncIntervalMs?: number; customerDelayMs?: number } = {},
): Promise<E2eSystem> {
  const dir = mkdtempSync(path.join(tmpdir(), 'counter-e2e-'));
  const system = await startSystem({
    coreDataDir: path.join(dir, 'core'),
    hostDataDir: path.join(dir, 'host'),
    coreEntry: path.resolve(import.meta.dirname, '../../helpers/core-main.ts'),
    syncIntervalMs: o.syncIntervalMs ?? 1_000,
    // T4 (terminal silent after its 80 00) and recovery in seconds instead of minutes.
    sessionTimers: { t3Ms: 1_000, t4Ms: 4_000, recoveryAttempts: 2, recoveryDelayMs: 200 },
    // Short waits, still long enough that the terminal's texts are seen and a cancel can reach it.
    terminal: { timers: { customerDelayMs: o.customerDelayMs ?? 400, hostDelayMs: 300 } },
  });
  const bridge = () => system.served.bridge;
  async function call<T>(command: HostCommandName, input: unknown = {}): Promise<T> {
    const res = await fetch(`${bridge().url}/api/${command}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bridge().token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
    if (!body.ok) throw new Error(`${command}: ${body.error?.code} ${body.error?.message}`);
    return body.value as T;
  }
  try {
    await call('staff.enroll', { ...MANAGER, role: 'MANAGER' });
    await call('staff.enroll', { ...CASHIER, role: 'CASHIER', manager: MANAGER_AUTH });
    await call('catalogue.import', { csv: CATALOGUE_CSV });
    await call('drawer.open', { floatMinor: 10_000, operatorId: MANAGER.staffId });
  } catch (e) {
    await system.stop();
    throw e;
  }
  const c = system.credentials;
  return {
    get uiUrl() {
      return system.served.uiUrl;
    },
    get bridgeUrl() {
      return bridge().url;
    },
    get token() {
      return bridge().token;
    },
    coreUrl: system.core.url,
    merchantId: c.merchantId,
    apiKeyId: c.apiKeyId,
    secretApiKey: c.secretApiKey,
    sdk: sdkClient(system.core.port, c.apiKeyId, c.secretApiKey),
    vt: system.terminal.vt,
    system,
    call,
    async stop() {
      await system.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
