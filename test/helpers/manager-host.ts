/**
 * A whole host as the composition root builds it (createHost): a real SQLite store in a temporary directory,
 * the virtual terminal on a real socat pty whose path is in the settings (terminal.serialPath), and
 * optionally a sync wiring to a core (a test core, usually through the fault proxy so it can be cut off).
 * The manager handlers are built over it; `call` goes through the contract's dispatch like the bridge does.
 */
import type { HostCommandName } from '../../src-shared/host-api';
import { enrollStaff } from '../../src-main/checkout/staff';
import { dispatch } from '../../src-main/host/api';
import { createHost, SETTING, type Host } from '../../src-main/host/compose';
import { createHostHandlers } from '../../src-main/host/handlers';
import type { ManagerHandlerOptions } from '../../src-main/host/manager-handlers';
import { openStore, setSetting } from '../../src-main/store';
import { startPtyPair, type PtyPair } from '../../src-main/zvt/virtual-terminal/pty';
import { VirtualTerminal } from '../../src-main/zvt/virtual-terminal/terminal';
import { openSerialStream } from '../../src-main/zvt/transport/serial';
import type { ByteStream } from '../../src-main/zvt/transport/byte-stream';
import { FAST_LINK, FAST_SESSION, FAST_VT } from '../integration/zvt/rig';
import { tempDataDir } from './host-store';

export interface ManagerHost {
  readonly host: Host;
  readonly vt: VirtualTerminal;
  readonly pty: PtyPair;
  readonly dir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the tests
  call(command: HostCommandName, input?: unknown): Promise<any>;
  /** Unplugs the terminal: the PT side of the pty stops answering. */
  unplugTerminal(): Promise<void>;
  close(): Promise<void>;
}

export const MANAGER_PIN = { managerId: 'manager', managerPin: '9999' };

export async function startManagerHost(
  o: {
    core?: { baseUrl: string; keyId: string; secret: string; issuer: number; merchantId?: string };
    handlers?: ManagerHandlerOptions;
  } = {},
): Promise<ManagerHost> {
  const dir = tempDataDir('counter-manager-');
  const pty = await startPtyPair();
  const vt = new VirtualTerminal({ timers: FAST_VT });
  const ptSide = await openSerialStream({ path: pty.ptPath });
  if (!ptSide.ok) throw new Error(ptSide.error.message);
  let pt: ByteStream | null = ptSide.value;
  void vt.serveSerial(pt, FAST_LINK);
  const s = openStore(dir);
  if (!s.ok) throw new Error(s.error.message);
  setSetting(s.value, SETTING.issuer, o.core?.issuer ?? 1234);
  setSetting(s.value, SETTING.currency, 'EUR');
  setSetting(s.value, SETTING.terminalSerialPath, pty.ecrPath);
  if (o.core) {
    setSetting(s.value, SETTING.coreUrl, o.core.baseUrl);
    setSetting(s.value, 'core.keyId', o.core.keyId);
  }
  s.value.close();
  const created = createHost({
    dataDir: dir,
    linkTimers: FAST_LINK,
    sessionTimers: FAST_SESSION,
    sync: o.core ? { baseUrl: o.core.baseUrl, keyId: o.core.keyId, secret: o.core.secret } : undefined,
  });
  if (!created.ok) throw new Error(created.error.message);
  const host = created.value;
  const started = await host.start();
  if (!started.ok) throw new Error(started.error.message);
  for (const st of [
    { staffId: 'cashier', name: 'Cara Cashier', role: 'CASHIER' as const, pin: '1111' },
    { staffId: 'manager', name: 'Max Manager', role: 'MANAGER' as const, pin: '9999' },
  ]) {
    const r = enrollStaff(host.deps, st);
    if (!r.ok) throw new Error(r.error.message);
  }
  const handlers = createHostHandlers(host, o.handlers);
  return {
    host,
    vt,
    pty,
    dir,
    call: (command, input) => dispatch(handlers, command, input ?? {}),
    unplugTerminal: async () => {
      await pt?.close();
      pt = null;
    },
    close: async () => {
      await host.close();
      await pt?.close();
      await pty.stop();
    },
  };
}
