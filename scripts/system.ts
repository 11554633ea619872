/**
 * The whole system on one machine, as one composition: the core (embedded PGlite) in its own process, a demo
 * merchant with an online API key, a store and an enrolled counter (created through the core's own admin
 * commands), the virtual card terminal on a socat pty, and the terminal host with its sync daemon serving
 * the cashier UI on the loopback bridge. The browser tests start it in temporary directories
 * (test/e2e/helpers/system.ts); `npm start` can start the same thing in ./.counter.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  readDemoCredentials,
  writeDemoCredentials,
  type DemoCredentials,
} from '../src-core/admin/demo-credentials';
import { accessDataDir, runInCore } from '../src-core/admin/data-dir-access';
import { runCommand as hostCommand } from '../src-main/host/cli';
import { serveHost, type ServedHost } from '../src-main/host/serve';
import type { SessionTimers } from '../src-main/zvt/session/types';
import { openSerialStream } from '../src-main/zvt/transport/serial';
import { startPtyPair, type PtyPair } from '../src-main/zvt/virtual-terminal/pty';
import { VirtualTerminal, type VirtualTerminalOptions } from '../src-main/zvt/virtual-terminal/terminal';
import { ROOT, startCore, type CoreProcess } from './core-process';

export { ROOT, startCore, type CoreProcess } from './core-process';
export const UI_DIR = path.join(ROOT, 'dist', 'renderer');

/** One admin command inside the serving core (embedded PGlite is one process's database). */
async function coreAdmin(dataDir: string, args: string[]): Promise<Record<string, unknown>> {
  const access = await accessDataDir(dataDir, 'command');
  if (access.kind !== 'through-core') {
    if (access.kind === 'own') access.release();
    throw new Error(`the core does not serve ${dataDir}; start it first`);
  }
  const [command, ...rest] = args;
  const answer = await runInCore(access.endpoint, command!, [...rest, '--json']);
  if (answer.exitCode !== 0)
    throw new Error(`npm run core -- ${args.join(' ')} failed:\n${answer.stderr}${answer.stdout}`);
  return JSON.parse(answer.stdout) as Record<string, unknown>;
}

const field = (o: Record<string, unknown>, ...keys: string[]): string => {
  for (const k of keys) if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k]);
  throw new Error(`expected one of ${keys.join('/')} in ${JSON.stringify(Object.keys(o))}`);
};

/** The demo merchant, key, store and counter: read back if this data directory has them, else created. */
export async function provisionDemo(
  coreDataDir: string,
): Promise<{ credentials: DemoCredentials; fresh: boolean }> {
  const existing = readDemoCredentials(coreDataDir);
  if (existing) return { credentials: existing, fresh: false };
  const merchant = await coreAdmin(coreDataDir, ['create-merchant', '--name', 'Counter Demo Shop']);
  const merchantId = field(merchant, 'id', 'merchantId');
  const key = await coreAdmin(coreDataDir, ['create-api-key', '--merchant', merchantId, '--label', 'demo']);
  const store = await coreAdmin(coreDataDir, [
    'create-store',
    '--merchant',
    merchantId,
    '--name',
    'Main Street',
  ]);
  const storeId = field(store, 'id', 'storeId');
  const terminal = await coreAdmin(coreDataDir, [
    'enroll-terminal',
    '--merchant',
    merchantId,
    '--store',
    storeId,
    '--label',
    'Till 1',
  ]);
  const credentials: DemoCredentials = {
    merchantId,
    apiKeyId: field(key, 'apiKeyId', 'keyId', 'id'),
    secretApiKey: field(key, 'secretApiKey', 'secret'),
    storeId,
    terminalId: field(terminal, 'terminalId', 'id'),
    terminalKeyId: field(terminal, 'keyId', 'apiKeyId'),
    terminalSecret: field(terminal, 'secret', 'secretKey'),
    issuer: Number(field(terminal, 'issuer')),
  };
  writeDemoCredentials(coreDataDir, credentials);
  return { credentials, fresh: true };
}

export interface VirtualTerminalOnPty {
  readonly vt: VirtualTerminal;
  /** The serial port the host opens. */
  readonly ecrPath: string;
  stop(): Promise<void>;
}

/** The virtual terminal on one end of a socat pty pair; the host opens the other end as a serial port. */
export async function startVirtualTerminal(
  options: VirtualTerminalOptions = {},
): Promise<VirtualTerminalOnPty> {
  const pty: PtyPair = await startPtyPair();
  const pt = await openSerialStream({ path: pty.ptPath });
  if (!pt.ok) {
    await pty.stop();
    throw new Error(pt.error.message);
  }
  const vt = new VirtualTerminal(options);
  void vt.serveSerial(pt.value);
  return {
    vt,
    ecrPath: pty.ecrPath,
    async stop() {
      await pt.value.close();
      await pty.stop();
    },
  };
}

/** Writes the counter's enrollment (issuer, terminal port, core, key id) into the host's data directory. */
export function enrollCounter(
  hostDataDir: string,
  o: { credentials: DemoCredentials; coreUrl: string; terminal: string; currency?: string },
): void {
  mkdirSync(hostDataDir, { recursive: true });
  const r = hostCommand(
    'enroll',
    new Map<string, string | true>([
      ['issuer', String(o.credentials.issuer)],
      ['currency', o.currency ?? 'EUR'],
      ['terminal', o.terminal],
      ['core-url', o.coreUrl],
      ['key-id', o.credentials.terminalKeyId],
      ['merchant-id', o.credentials.merchantId],
    ]),
    hostDataDir,
  );
  if (!r.ok) throw new Error(r.error.message);
}

export interface SystemOptions {
  readonly coreDataDir: string;
  readonly hostDataDir: string;
  readonly corePort?: number;
  readonly bridgePort?: number;
  readonly uiDir?: string;
  /** The core's entry file (the tests use their own, with test-only hooks). */
  readonly coreEntry?: string;
  /** Where the core's output goes besides memory (`npm start`: .counter/logs/core.log). */
  readonly coreLogFile?: string;
  readonly terminal?: VirtualTerminalOptions;
  /** Time between sync cycles (default 10 s). */
  readonly syncIntervalMs?: number;
  /** The ZVT session's timers (the tests shorten T4 and recovery so an unknown outcome shows in seconds). */
  readonly sessionTimers?: Partial<SessionTimers>;
  readonly log?: (line: string) => void;
}

export interface RunningSystem {
  readonly core: CoreProcess;
  readonly credentials: DemoCredentials;
  readonly terminal: VirtualTerminalOnPty;
  readonly served: ServedHost;
  /** Stops the host (keeping its data directory) and starts it again on the same port: a host restart. */
  restartHost(): Promise<ServedHost>;
  stop(): Promise<void>;
}

export async function startSystem(o: SystemOptions): Promise<RunningSystem> {
  const core = await startCore({
    dataDir: o.coreDataDir,
    port: o.corePort,
    entry: o.coreEntry,
    logFile: o.coreLogFile,
  });
  const cleanups: (() => Promise<unknown>)[] = [() => core.stop()];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const { credentials } = await provisionDemo(o.coreDataDir);
    const terminal = await startVirtualTerminal(o.terminal);
    cleanups.push(() => terminal.stop());
    enrollCounter(o.hostDataDir, { credentials, coreUrl: core.url, terminal: terminal.ecrPath });
    const serve = (port: number | undefined, token?: string) =>
      serveHost({
        dataDir: o.hostDataDir,
        sync: {
          baseUrl: core.url,
          keyId: credentials.terminalKeyId,
          secret: credentials.terminalSecret,
          intervalMs: o.syncIntervalMs,
        },
        port,
        token,
        sessionTimers: o.sessionTimers,
        uiDir: o.uiDir ?? UI_DIR,
        log: o.log,
      });
    let served = await serve(o.bridgePort);
    const system: RunningSystem = {
      core,
      credentials,
      terminal,
      get served() {
        return served;
      },
      async restartHost() {
        const { port, token } = served.bridge;
        await served.close();
        // The same port and token: an open page reconnects by itself, as after a real restart.
        served = await serve(port, token);
        return served;
      },
      async stop() {
        await served.close().catch(() => {});
        await stopAll();
      },
    };
    return system;
  } catch (e) {
    await stopAll();
    throw e;
  }
}
