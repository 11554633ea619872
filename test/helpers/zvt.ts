/**
 * Test rigs for the ZVT area: an ECR session wired to a virtual terminal over the in-process line
 * (serial framing or bare APDUs), TCP on 127.0.0.1 port 0, or a real socat pty pair through serialport.
 */
import { ok } from '../../src-shared';
import { EcrSession, type EcrSessionOptions } from '../../src-main/zvt/session/ecr-session';
import type { SessionTimers } from '../../src-main/zvt/session/types';
import type { SerialLinkTimers } from '../../src-main/zvt/link/serial-link';
import { createInProcessPair, type LineControl } from '../../src-main/zvt/transport/in-process';
import { streamConnector, tcpConnector, serialConnector } from '../../src-main/zvt/transport/connect';
import { listenTcp, type TcpListener } from '../../src-main/zvt/transport/tcp';
import { openSerialStream } from '../../src-main/zvt/transport/serial';
import { startPtyPair, type PtyPair } from '../../src-main/zvt/virtual-terminal/pty';
import {
  VirtualTerminal,
  type VirtualTerminalOptions,
  type VirtualTerminalTimers,
} from '../../src-main/zvt/virtual-terminal/terminal';

/** Short timers so fault tests run fast; normal flows never wait on them. */
export const FAST_LINK: SerialLinkTimers = { t1Ms: 200, t2Ms: 150, maxRepeats: 2 };
export const FAST_SESSION: Partial<SessionTimers> = {
  t3Ms: 800,
  t4Ms: 1_500,
  recoveryAttempts: 4,
  recoveryDelayMs: 100,
};
export const FAST_VT: Partial<VirtualTerminalTimers> = { answerTimeoutMs: 800, goodsRetryDelayMs: 50 };

export type Transport = 'in-process-serial' | 'in-process-tcp' | 'tcp' | 'pty';

export interface Rig {
  readonly session: EcrSession;
  readonly vt: VirtualTerminal;
  /** The current line (in-process only): cut it to simulate a pulled cable. */
  line(): LineControl | undefined;
  close(): Promise<void>;
}

export interface RigOptions {
  readonly session?: Partial<Omit<EcrSessionOptions, 'connect'>>;
  readonly vt?: VirtualTerminalOptions;
  readonly link?: SerialLinkTimers;
}

export async function createRig(transport: Transport, o: RigOptions = {}): Promise<Rig> {
  const vt = new VirtualTerminal({ ...o.vt, timers: { ...FAST_VT, ...o.vt?.timers } });
  const linkTimers = o.link ?? FAST_LINK;
  const sessionOptions = { timers: FAST_SESSION, ...o.session };
  if (transport === 'in-process-serial' || transport === 'in-process-tcp') {
    let current: LineControl | undefined;
    const serial = transport === 'in-process-serial';
    const open = async () => {
      const pair = createInProcessPair();
      current = pair.line;
      if (serial) void vt.serveSerial(pair.b, linkTimers);
      else void vt.serveStream(pair.b);
      return ok(pair.a);
    };
    const session = new EcrSession({
      ...sessionOptions,
      connect: streamConnector(open, serial ? 'serial' : 'bare-apdu', linkTimers),
    });
    return { session, vt, line: () => current, close: () => session.close() };
  }
  if (transport === 'tcp') {
    const listener: TcpListener = await listenTcp('127.0.0.1', 0, (stream) => void vt.serveStream(stream));
    const session = new EcrSession({ ...sessionOptions, connect: tcpConnector('127.0.0.1', listener.port) });
    return {
      session,
      vt,
      line: () => undefined,
      close: async () => {
        await session.close();
        await listener.close();
      },
    };
  }
  const pty: PtyPair = await startPtyPair();
  const ptSide = await openSerialStream({ path: pty.ptPath });
  if (!ptSide.ok) throw new Error(ptSide.error.message);
  void vt.serveSerial(ptSide.value, linkTimers);
  const session = new EcrSession({
    ...sessionOptions,
    connect: serialConnector({ path: pty.ecrPath }, linkTimers),
  });
  return {
    session,
    vt,
    line: () => undefined,
    close: async () => {
      await session.close();
      await ptSide.value.close();
      await pty.stop();
    },
  };
}
