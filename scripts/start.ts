/**
 * `npm start`: the whole system on this machine (architecture.md "Commands"), composed by scripts/system.ts:
 *
 * - the core on embedded PGlite in ./.counter/core, on http://127.0.0.1:8080 (PORT to change), in its own
 *   process; on the first run a demo merchant, online API key, store and enrolled counter;
 * - the virtual card terminal on a pseudo-serial port (socat), in this process;
 * - the terminal host (./.counter/host) with its sync daemon, enrolled with the demo counter, and on the first
 *   run a demo manager, cashier, catalogue and open cash drawer;
 * - the cashier UI: in Electron when its binary is installed (and COUNTER_BROWSER is not 1), otherwise served
 *   on the loopback bridge (http://127.0.0.1:8081, COUNTER_UI_PORT to change) for a browser, its address
 *   printed with this launch's token in the fragment.
 *
 * The ready banner comes only once the core answers, the host is online with it and the card terminal is
 * registered. A port in use is one clear line and exit code 1. Ctrl-C or SIGTERM stops everything it started
 * (the core, the host, the virtual terminal and its socat). Logs: ./.counter/logs/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { demoCredentialsPath } from '../src-core/admin/demo-credentials';
import { openDrawer } from '../src-main/checkout/cash-drawer';
import { importCatalogueCsv } from '../src-main/checkout/catalogue-import';
import { enrollStaff } from '../src-main/checkout/staff';
import { TEST_CARDS } from '../src-shared/test-cards';
import { TERMINAL_SECRET_ENV } from '../src-main/host/sync-wiring';
import { listStaff } from '../src-main/store';
import { ROOT, startSystem, UI_DIR, type RunningSystem } from './system';

const counterDir = path.join(ROOT, '.counter');
const coreDataDir = path.resolve(process.env.COUNTER_DATA_DIR ?? path.join(counterDir, 'core'));
const hostDataDir = path.resolve(process.env.COUNTER_HOST_DATA_DIR ?? path.join(counterDir, 'host'));
const logDir = path.resolve(process.env.COUNTER_LOG_DIR ?? path.join(counterDir, 'logs'));
const corePort = Number(process.env.PORT ?? 8080);
const uiPort = Number(process.env.COUNTER_UI_PORT ?? 8081);
const electronPathFile = path.join(ROOT, 'node_modules', 'electron', 'path.txt');
const useElectron = existsSync(electronPathFile) && process.env.COUNTER_BROWSER !== '1';

/** The demo staff, printed in the banner (a demo: real counters enrol their staff with their own PINs). */
const DEMO_MANAGER = { staffId: 'max', name: 'Max Manager', role: 'MANAGER' as const, pin: '9999' };
const DEMO_CASHIER = { staffId: 'cara', name: 'Cara Cashier', role: 'CASHIER' as const, pin: '1111' };

/** Paths inside the repository print relative to it, others in full. */
const shown = (p: string) => (p.startsWith(ROOT + path.sep) ? path.relative(ROOT, p) : p);

class StartError extends Error {}

/** Fails with one clear line when a port is taken (a second `npm start`, or another program). */
function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new StartError(
          e.code === 'EADDRINUSE'
            ? `port ${port} on 127.0.0.1 (${what}) is already in use — is another \`npm start\` running? ` +
                `Stop it, or choose another port with ${variable}=…`
            : `cannot listen on 127.0.0.1:${port} (${what}): ${e.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir, { recursive: true })) {
    const s = statSync(path.join(dir, String(f)));
    if (s.isFile()) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

/** Builds the UI (and the Electron shell) when the sources are newer than the build. */
function buildIfStale(): void {
  const index = path.join(UI_DIR, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src-renderer')),
    newestMtime(path.join(ROOT, 'src-shared')),
  );
  const needUi = !existsSync(index) || statSync(index).mtimeMs < sources;
  const needShell = useElectron && !existsSync(path.join(ROOT, 'dist', 'electron', 'main.cjs'));
  if (!needUi && !needShell) return;
  console.log('Building the cashier UI …');
  const r = spawnSync('npm', ['run', useElectron ? 'build' : 'build:renderer', '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new StartError(`building the UI failed:\n${r.stderr}${r.stdout}`);
}

/** A new counter gets demo staff, a catalogue and an open drawer, so a sale can be taken at once. */
function seedDemoCounter(system: RunningSystem): boolean {
  const deps = system.served.host.deps;
  if (listStaff(deps.db).length > 0) return false;
  for (const s of [DEMO_MANAGER, DEMO_CASHIER]) {
    const r = enrollStaff(deps, { ...s, by: s === DEMO_MANAGER ? null : DEMO_MANAGER.staffId });
    if (!r.ok) throw new StartError(`enrolling the demo staff failed: ${r.error.message}`);
  }
  const csv = readFileSync(path.join(ROOT, 'assets', 'demo-catalogue.csv'), 'utf8');
  const imported = importCatalogueCsv(deps, csv);
  if (!imported.ok) throw new StartError(`importing the demo catalogue failed: ${imported.error.message}`);
  const drawer = openDrawer(deps, { floatMinor: 10_000, operatorId: DEMO_MANAGER.staffId });
  if (!drawer.ok) throw new StartError(`opening the demo cash drawer failed: ${drawer.error.message}`);
  return true;
}

/**
 * The customer at the virtual terminal, from this console: a test card's id presents that card from now on
 * (README "Test cards"), `none` presents none. Without a console (stdin closed or not a terminal) nothing is read.
 */
function customerConsole(system: RunningSystem): void {
  if (!process.stdin.isTTY) return;
  const ids = TEST_CARDS.map((c) => c.id);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (raw) => {
    const id = raw.trim();
    if (!id) return;
    if (id === 'none') {
      system.terminal.vt.presentNoCard();
      console.log('The customer presents no card now (a payment ends as aborted).');
    } else if (ids.includes(id)) {
      system.terminal.vt.presentCard(id);
      console.log(`The customer presents ${id} now.`);
    } else console.log(`No test card "${id}". Type one of: ${ids.join(', ')}, none.`);
  });
}

/** Ready means: the host is online with the core and the card terminal answered its registration. */
async function waitUntilReady(system: RunningSystem, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const host = system.served.host;
  for (;;) {
    const online = host.deps.isOnline();
    const registered = host.live.terminal().state === 'READY';
    if (online && registered) return;
    if (Date.now() > deadline)
      throw new StartError(
        `the host did not become ready within ${timeoutMs / 1000} s (${online ? 'online' : 'not online with the core'}` +
          `${registered ? '' : ', the card terminal did not register'}); see ${shown(logDir)}/`,
      );
    if (!online) await host.sync?.syncNow().catch(() => {});
    await new Promise((r) => setTimeout(r, 250));
  }
}

let system: RunningSystem | null = null;
let electron: ChildProcess | null = null;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (electron && electron.exitCode === null) electron.kill('SIGTERM');
    await system?.stop().catch(() => {});
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  await assertPortFree(corePort, 'the core', 'PORT');
  if (!useElectron) await assertPortFree(uiPort, 'the cashier UI', 'COUNTER_UI_PORT');
  buildIfStale();

  mkdirSync(logDir, { recursive: true });
  const hostLog = createWriteStream(path.join(logDir, 'host.log'), { flags: 'a' });
  console.log('Counter: starting the core, the virtual card terminal and the host …');
  system = await startSystem({
    coreDataDir,
    hostDataDir,
    corePort,
    bridgePort: uiPort,
    coreLogFile: path.join(logDir, 'core.log'),
    log: (line) => hostLog.write(`${new Date().toISOString()} ${line}\n`),
  });
  const running = system;
  running.core.proc.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\nthe core stopped (${signal ?? `exit ${code}`}); see ${shown(logDir)}/core.log`);
    void stopAll(1);
  });
  const seeded = seedDemoCounter(running);
  await waitUntilReady(running, 30_000);

  const c = running.credentials;
  let ui: string;
  if (useElectron) {
    // Electron's main process runs the host itself: the browser host steps aside (one host per data dir).
    await running.served.close();
    const binary = path.join(
      ROOT,
      'node_modules',
      'electron',
      'dist',
      readFileSync(electronPathFile, 'utf8').trim(),
    );
    electron = spawn(binary, [path.join(ROOT, 'dist', 'electron', 'main.cjs')], {
      cwd: ROOT,
      env: { ...process.env, COUNTER_DATA_DIR: hostDataDir, [TERMINAL_SECRET_ENV]: c.terminalSecret },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    electron.once('exit', () => void stopAll(0));
    ui = 'the Counter window (Electron)';
  } else {
    ui = `${running.served.uiUrl}\n         open it in Chromium or Firefox on this machine; the address holds this launch's key — do not share it`;
  }

  console.log(`
Counter is ready.

Cashier UI   ${ui}
  sign in    ${DEMO_CASHIER.name} (cashier) PIN ${DEMO_CASHIER.pin}    ${DEMO_MANAGER.name} (manager) PIN ${DEMO_MANAGER.pin}${seeded ? '   (demo staff, catalogue and a 100.00 float created now)' : ''}
  scan       type a barcode fast and press Enter, e.g. 4006381333931 (coffee beans) — assets/demo-catalogue.csv

Card terminal (virtual, ZVT on ${running.terminal.ecrPath})
  the customer presents visa-approve; type a test card's id here and press Enter to present another,
  e.g. visa-declined, visa-limit-100, visa-abort, mastercard-pin (README "Test cards")

Core   ${running.core.url}   (PGlite in ${shown(coreDataDir)}; host data in ${shown(hostDataDir)})
  online API   merchant ${c.merchantId}   API key ${c.apiKeyId}
               secret in ${shown(demoCredentialsPath(coreDataDir))} (mode 0600, field secretApiKey)
  try          npm run core -- request GET /v2/${c.merchantId}/services/testconnection

Logs: ${shown(logDir)}/   Stop: Ctrl-C
`);
  customerConsole(running);
}

main().catch((e: unknown) => {
  console.error(e instanceof StartError ? e.message : e instanceof Error ? (e.stack ?? e.message) : e);
  void stopAll(1);
});
