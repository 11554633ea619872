/**
 * `npm start`: the whole system on this machine with embedded defaults (architecture.md "Commands").
 *
 * - the core on embedded PGlite in ./.counter/core, on http://127.0.0.1:8080 (PORT to change);
 * - on the first run, a demo merchant, API key, store and enrolled terminal, created with the core's own CLI;
 * - the virtual card terminal on a pseudo-serial port (socat), printing its path;
 * - the terminal host (./.counter/host, enrolled with the demo terminal) with its sync daemon, serving the
 *   cashier UI on 127.0.0.1 (COUNTER_UI_PORT, default any free port): it prints the address with this
 *   launch's token. On the first run it enrols a demo manager and cashier and a small catalogue.
 *
 * Logs go to ./.counter/logs/; Ctrl-C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { serveHost, type ServedHost } from '../src-main/host/serve';
import { enrollCounter, UI_DIR } from './system';
import {
  demoCredentialsPath,
  readDemoCredentials,
  writeDemoCredentials,
  type DemoCredentials,
} from '../src-core/admin/demo-credentials';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(process.env.COUNTER_DATA_DIR ?? path.join(root, '.counter', 'core'));
const logDir = path.join(root, '.counter', 'logs');
// Kept with the database it belongs to, so another COUNTER_DATA_DIR gets its own demo merchant.
const credentialsFile = demoCredentialsPath(dataDir);
const hostDataDir = path.resolve(process.env.COUNTER_HOST_DATA_DIR ?? path.join(root, '.counter', 'host'));
const uiPort = Number(process.env.COUNTER_UI_PORT ?? 0);
let served: ServedHost | null = null;
const port = Number(process.env.PORT ?? 8080);
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const env = { ...process.env, COUNTER_DATA_DIR: dataDir };
/** Paths inside the repository print relative to it, others in full. */
const shown = (p: string) => (p.startsWith(root + path.sep) ? path.relative(root, p) : p);

function coreCommand(args: string[]): Record<string, unknown> {
  const r = spawnSync(tsx, ['src-core/main.ts', ...args, '--json'], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run core -- ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const str = (o: Record<string, unknown>, ...keys: string[]): string => {
  for (const k of keys) if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k]);
  throw new Error(`expected one of ${keys.join('/')} in ${JSON.stringify(Object.keys(o))}`);
};

/** Provisioned before the server starts: PGlite is one process's database at a time. */
function provisionDemo(): { credentials: DemoCredentials; fresh: boolean } {
  const existing = readDemoCredentials(dataDir);
  if (existing) return { credentials: existing, fresh: false };
  const merchant = coreCommand(['create-merchant', '--name', 'Counter Demo Shop']);
  const merchantId = str(merchant, 'id', 'merchantId');
  const key = coreCommand(['create-api-key', '--merchant', merchantId, '--label', 'npm start demo']);
  const store = coreCommand(['create-store', '--merchant', merchantId, '--name', 'Main Street']);
  const storeId = str(store, 'id', 'storeId');
  const terminal = coreCommand([
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
    apiKeyId: str(key, 'apiKeyId', 'keyId', 'id'),
    secretApiKey: str(key, 'secretApiKey', 'secret'),
    storeId,
    terminalId: str(terminal, 'terminalId', 'id'),
    terminalKeyId: str(terminal, 'keyId', 'apiKeyId'),
    terminalSecret: str(terminal, 'secret', 'secretKey'),
    issuer: Number(str(terminal, 'issuer')),
  };
  mkdirSync(dataDir, { recursive: true });
  // The demo's own credentials, readable by this user only; the terminal app keeps its key in the OS keystore.
  writeDemoCredentials(dataDir, credentials);
  return { credentials, fresh: true };
}

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  void served?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}

/** The demo's staff and catalogue, once (a fresh host data directory). */
async function seedHost(h: ServedHost): Promise<boolean> {
  const call = async (command: string, input: unknown) => {
    const res = await fetch(`${h.bridge.url}/api/${command}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.bridge.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
    return (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  };
  const staff = await call('staff.list', {});
  if (Array.isArray(staff.value) && staff.value.length > 0) return false;
  const manager = { managerId: 'manager', managerPin: '9999' };
  for (const [command, input] of [
    ['staff.enroll', { staffId: 'manager', name: 'Demo Manager', role: 'MANAGER', pin: '9999' }],
    ['staff.enroll', { staffId: 'cashier', name: 'Demo Cashier', role: 'CASHIER', pin: '1111', manager }],
    [
      'catalogue.import',
      {
        csv: [
          'sku,barcode,name,price,taxRate',
          'COFFEE-500,4006381333931,Coffee beans 500 g,8.99,7',
          'MILK-1L,4000417025005,Milk 1 l,1.19,7',
          'MUG,4012345678901,Counter mug,12.50,19',
        ].join('\n'),
      },
    ],
    ['drawer.open', { floatMinor: 10_000, operatorId: 'manager' }],
  ] as const) {
    const r = await call(command, input);
    if (!r.ok) throw new Error(`${command}: ${r.error?.message}`);
  }
  return true;
}

function start(name: string, args: string[], onLine?: (line: string) => void): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(tsx, args, {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine?.(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(
        `\n${name} stopped (${signal ?? `exit ${code}`}); see ${path.join(logDir, `${name}.log`)}`,
      );
      stopAll(1);
    }
  });
  return child;
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the core did not answer ${url} within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  console.log('Counter: starting the core and the virtual card terminal …');
  const { credentials: c, fresh } = provisionDemo();
  start('core', ['src-core/main.ts']);
  const coreUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(`${coreUrl}/health`, 60_000);

  const ptyPath = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the virtual terminal did not start within 20 s')),
      20_000,
    );
    start('virtual-terminal', ['src-main/zvt/cli/main.ts', 'simulate'], (line) => {
      const m = /ready on (\S+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });

  // The cashier UI: built once, then served by the host's bridge with this launch's token.
  if (!existsSync(path.join(UI_DIR, 'index.html'))) {
    console.log('Building the cashier UI …');
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  }
  enrollCounter(hostDataDir, { credentials: c, coreUrl, terminal: ptyPath });
  served = await serveHost({
    dataDir: hostDataDir,
    sync: { baseUrl: coreUrl, keyId: c.terminalKeyId, secret: c.terminalSecret },
    port: uiPort,
    uiDir: UI_DIR,
    log: (line) => console.error(`host: ${line}`),
  });
  const seeded = await seedHost(served);

  const secretLine = fresh
    ? `secret ${c.secretApiKey}   (shown once; also in ${shown(credentialsFile)}, mode 0600)`
    : `secret in ${shown(credentialsFile)} (mode 0600)`;
  console.log(`
Core   ${coreUrl}   (online API, back office, terminal sync; PGlite in ${shown(dataDir)})
  health     ${coreUrl}/health
  merchant   ${c.merchantId}
  API key    ${c.apiKeyId}   ${secretLine}
  store      ${c.storeId}
  terminal   ${c.terminalId}  (payment-id issuer ${c.issuer})

Virtual card terminal (ZVT over a pseudo-serial port)   ${ptyPath}
  (the counter below drives it; it presents the test card visa-approve)

Counter (terminal host, data in ${shown(hostDataDir)})   open the cashier UI:
  ${served.uiUrl}
  ${seeded ? 'staff: Demo Cashier (PIN 1111), Demo Manager (PIN 9999); drawer opened with 100.00' : 'staff as enrolled before'}

Logs: ${shown(logDir)}/   Stop: Ctrl-C
`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  stopAll(1);
});
