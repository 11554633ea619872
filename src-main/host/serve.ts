/**
 * The host served to a browser: the host (store, terminal, sync daemon), its contract on the loopback bridge
 * (API + event stream), and the built cashier UI from the same origin. `npm run host -- serve` and the
 * system composition used by `npm start` and the browser tests (scripts/system.ts) both start it here.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HOST_API } from '../../src-shared/host-api';
import { dispatch } from './api';
import { startBridge, type Bridge } from './bridge';
import { createHost, type Host, type HostOptions } from './compose';
import { contractEvent } from './events';
import { createHostHandlers } from './handlers';

/** Written into the data directory (mode 0600) so a launcher or a script finds the running UI. */
export const BRIDGE_INFO_FILE = 'bridge.json';

export interface ServeOptions extends HostOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** The built UI (dist/renderer); absent: the API only. */
  readonly uiDir?: string;
  /** Default: a new random token. */
  readonly token?: string;
  /** Told about the terminal not answering at start (the UI still opens, and shows it). */
  readonly log?: (line: string) => void;
}

export interface ServedHost {
  readonly host: Host;
  readonly bridge: Bridge<typeof HOST_API>;
  /** http://127.0.0.1:PORT/#token=… : the UI with this launch's token in the fragment. */
  readonly uiUrl: string;
  close(): Promise<void>;
}

export async function serveHost(o: ServeOptions): Promise<ServedHost> {
  const created = createHost(o);
  if (!created.ok) throw new ServeError(created.error.message);
  const host = created.value;
  const handlers = createHostHandlers(host);
  let bridge: Bridge<typeof HOST_API>;
  try {
    bridge = await startBridge({
      contract: HOST_API,
      dispatch: (command, input) => dispatch(handlers, command, input),
      port: o.port,
      token: o.token,
      uiDir: o.uiDir,
      title: 'Counter host API',
      onInternalError: (reference, e) => o.log?.(`internal error ${reference}: ${String(e)}`),
    });
  } catch (e) {
    await host.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new ServeError(
        `port ${o.port} on 127.0.0.1 is already in use (another Counter?); stop it or choose another with --port`,
      );
    throw e;
  }
  const off = host.onEvent((e) => {
    const { event, payload } = contractEvent(e);
    bridge.publish(event, payload);
  });
  const started = await host.start();
  if (!started.ok) o.log?.(`card terminal: ${started.error.message}`);
  const uiUrl = `${bridge.url}/#token=${bridge.token}`;
  const info = path.join(o.dataDir, BRIDGE_INFO_FILE);
  writeFileSync(
    info,
    JSON.stringify({ url: uiUrl, port: bridge.port, token: bridge.token }, null, 2) + '\n',
    {
      mode: 0o600,
    },
  );
  chmodSync(info, 0o600); // a file left by an earlier launch keeps its mode otherwise

  return {
    host,
    bridge,
    uiUrl,
    async close() {
      off();
      await bridge.close();
      await host.close();
    },
  };
}

/** A reason the host cannot be served, in one line for the operator. */
export class ServeError extends Error {}
