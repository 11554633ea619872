/**
 * Test rigs for the ZVT area: an ECR session wired to a virtual terminal over the in-process line
 * (serial framing or bare APDUs), TCP on 127.0.0.1 port 0, or a real socat pty pair through serialport.
 */
import { domainError, err, ok } from '../../../src-shared';
import type { ByteStream } from '../../../src-main/zvt/transport/byte-stream';
import { EcrSession, type EcrSessionOptions } from '../../../src-main/zvt/session/ecr-session';
import type { SessionTimers } from '../../../src-main/zvt/session/types';
import type { SerialLinkTimers } from '../../../src-main/zvt/link/serial-link';
import { createInProcessPair, type LineControl } from '../../../src-main/zvt/transport/in-process';
import { streamConnector } from '../../../src-main/zvt/transport/connect';
import { connectTcp, listenTcp, type TcpListener } from '../../../src-main/zvt/transport/tcp';
import { openSerialStream } from '../../../src-main/zvt/transport/serial';
import { startPtyPair, type PtyPair } from '../../../src-main/zvt/virtual-terminal/pty';
import {
  VirtualTerminal,
  type VirtualTerminalOptions,
  type VirtualTerminalTimers,
} from '../../../src-main/zvt/virtual-terminal/terminal';

/** Short timers so fault tests run fast; normal flows never wait on them. */
export const FAST_LINK: SerialLinkTimers = { t1Ms: 200, t2Ms: 400, maxRepeats: 2 };
export const FAST_SESSION: Partial<SessionTimers> = {
  t3Ms: 1_000,
  t4Ms: 2_000,
  recoveryAttempts: 4,
  recoveryDelayMs: 100,
};
export const FAST_VT: Partial<VirtualTerminalTimers> = { answerTimeoutMs: 1_000, goodsRetryDelayMs: 50 };

export type Transport = 'in-process-serial' | 'in-process-tcp' | 'tcp' | 'pty';

export interface Rig {
  readonly session: EcrSession;
  readonly vt: VirtualTerminal;
  /** The current line (in-process only): cut it to simulate a pulled cable. */
  line(): LineControl | undefined;
  /** Another session on the same terminal and line (e.g. the host after a restart). */
  newSession(options?: Partial<Omit<EcrSessionOptions, 'connect'>>): EcrSession;
  close(): Promise<void>;
}

export interface RigOptions {
  readonly session?: Partial<Omit<EcrSessionOptions, 'connect'>>;
  readonly vt?: VirtualTerminalOptions;
  readonly link?: SerialLinkTimers;
  /** Wraps the ECR's end of every (re)connection, e.g. with a Cable that can be cut. */
  readonly wrapEcr?: (s: ByteStream) => ByteStream;
  /** Refuses (re)connection while it returns false (the cable is still unplugged). */
  readonly canConnect?: () => boolean;
}

const unplugged = () =>
  err(domainError('TERMINAL_UNREACHABLE', { port: 'test cable', settings: 'unplugged' }));

export async function createRig(transport: Transport, o: RigOptions = {}): Promise<Rig> {
  const vt = new VirtualTerminal({ ...o.vt, timers: { ...FAST_VT, ...o.vt?.timers } });
  const linkTimers = o.link ?? FAST_LINK;
  const sessionOptions = { timers: FAST_SESSION, ...o.session };
  const wrap = o.wrapEcr ?? ((s: ByteStream) => s);
  const gate = o.canConnect ?? (() => true);
  if (transport === 'in-process-serial' || transport === 'in-process-tcp') {
    let current: LineControl | undefined;
    const serial = transport === 'in-process-serial';
    const open = async () => {
      if (!gate()) return unplugged();
      const pair = createInProcessPair();
      current = pair.line;
      if (serial) void vt.serveSerial(pair.b, linkTimers);
      else void vt.serveStream(pair.b);
      return ok(wrap(pair.a));
    };
    const connect = streamConnector(open, serial ? 'serial' : 'bare-apdu', linkTimers);
    const session = new EcrSession({ ...sessionOptions, connect });
    const newSession = (x = {}) => new EcrSession({ ...sessionOptions, ...x, connect });
    return { session, vt, line: () => current, newSession, close: () => session.close() };
  }
  if (transport === 'tcp') {
    const listener: TcpListener = await listenTcp('127.0.0.1', 0, (stream) => void vt.serveStream(stream));
    const open = async () => {
      if (!gate()) return unplugged();
      const s = await connectTcp('127.0.0.1', listener.port);
      return s.ok ? ok(wrap(s.value)) : s;
    };
    const connect = streamConnector(open, 'bare-apdu');
    const session = new EcrSession({ ...sessionOptions, connect });
    return {
      session,
      vt,
      line: () => undefined,
      newSession: (x = {}) => new EcrSession({ ...sessionOptions, ...x, connect }),
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
  const open = async () => {
    if (!gate()) return unplugged();
    const s = await openSerialStream({ path: pty.ecrPath });
    return s.ok ? ok(wrap(s.value)) : s;
  };
  const connect = streamConnector(open, 'serial', linkTimers);
  const session = new EcrSession({ ...sessionOptions, connect });
  return {
    session,
    vt,
    line: () => undefined,
    newSession: (x = {}) => new EcrSession({ ...sessionOptions, ...x, connect }),
    close: async () => {
      await session.close();
      await ptSide.value.close();
      await pty.stop();
    },
  };
}

/**
 * A cable on the ECR side that can be pulled at a byte offset (counted over both directions): in 'drop'
 * mode bytes vanish until restore() (a serial cable); in 'close' mode the connection closes there (TCP).
 */
export class Cable {
  bytes = 0;
  private cutOffset = Infinity;
  cut = false;
  /** Called once when the cut takes effect (e.g. to schedule restore()). */
  onCut: (() => void) | undefined;
  constructor(readonly mode: 'drop' | 'close') {}

  cutAt(offset: number): void {
    this.cutOffset = offset;
  }

  restore(): void {
    this.cut = false;
    this.cutOffset = Infinity;
  }

  /** Returns the bytes that get through and whether the cut happened now. */
  private pass(chunk: Uint8Array): { through: Uint8Array; tripped: boolean } {
    if (this.cut) return { through: new Uint8Array(0), tripped: false };
    const start = this.bytes;
    this.bytes += chunk.length;
    if (this.bytes <= this.cutOffset) return { through: chunk, tripped: false };
    const keep = Math.max(0, this.cutOffset - start);
    this.cut = true;
    this.cutOffset = Infinity;
    queueMicrotask(() => this.onCut?.());
    return { through: chunk.slice(0, keep), tripped: true };
  }

  wrap(inner: ByteStream): ByteStream {
    const dataListeners = new Set<(b: Uint8Array) => void>();
    const trip = () => {
      if (this.mode === 'close') void inner.close();
    };
    inner.onData((chunk) => {
      const { through, tripped } = this.pass(chunk);
      if (through.length > 0) for (const l of dataListeners) l(through);
      if (tripped) trip();
    });
    return {
      description: `${inner.description} (test cable)`,
      get isOpen() {
        return inner.isOpen;
      },
      write: async (chunk) => {
        const { through, tripped } = this.pass(chunk);
        if (through.length > 0) await inner.write(through);
        if (tripped) trip();
      },
      onData: (l) => {
        dataListeners.add(l);
        return () => dataListeners.delete(l);
      },
      onClose: (l) => inner.onClose(l),
      close: () => inner.close(),
    };
  }
}
