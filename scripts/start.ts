/**
 * `npm start`: the whole system on this machine with embedded defaults (architecture.md "Commands").
 *
 * - the core on embedded PGlite in ./.counter/core, on http://127.0.0.1:8080 (PORT to change);
 * - on the first run, a demo merchant, API key, store and enrolled terminal, created with the core's own CLI;
 * - the virtual card terminal on a pseudo-serial port (socat), printing its path.
 *
 * The cashier UI and the terminal host join here when they are built; until then the card terminal is driven
 * with `npm run terminal` and the core with the online API (e.g. the official SDK).
 * Logs go to ./.counter/logs/; Ctrl-C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
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
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
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
  try:  npm run terminal -- pay 12.50 --port ${ptyPath}
        npm run terminal -- status --port ${ptyPath}

The cashier UI and the terminal host are not built yet; until then, drive the card terminal with
'npm run terminal' and the core with the online API (README: "Online API").
Logs: ${shown(logDir)}/   Stop: Ctrl-C
`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  stopAll(1);
});
