/**
 * Time of a complete authorization exchange (Registration done before; command → 80 00 → statuses →
 * 04 0F → receipts → 06 0F, every frame ACKed) against the virtual terminal over a real socat pty through
 * serialport, at 9600 and 115200 baud. A pty moves bytes at memory speed, so both ends pace their writes
 * as an 8N2 line would (11 bit times per byte, transport/paced.ts). The limit is the wire time of every
 * byte both sides sent: bytes × 11 ÷ baud; the ratio shows the overhead of our code, timers and the pty.
 */
import type { BenchFigure } from '../../scripts/bench';
import { money, ok } from '../../src-shared';
import { EcrSession } from '../../src-main/zvt/session/ecr-session';
import type { ByteStream } from '../../src-main/zvt/transport/byte-stream';
import { streamConnector } from '../../src-main/zvt/transport/connect';
import { pacedStream } from '../../src-main/zvt/transport/paced';
import { openSerialStream } from '../../src-main/zvt/transport/serial';
import { startPtyPair } from '../../src-main/zvt/virtual-terminal/pty';
import { VirtualTerminal } from '../../src-main/zvt/virtual-terminal/terminal';

function counting(inner: ByteStream, counter: { bytes: number }): ByteStream {
  return {
    description: inner.description,
    get isOpen() {
      return inner.isOpen;
    },
    write: (b) => {
      counter.bytes += b.length;
      return inner.write(b);
    },
    onData: (l) =>
      inner.onData((b) => {
        counter.bytes += b.length;
        l(b);
      }),
    onClose: (l) => inner.onClose(l),
    close: () => inner.close(),
  };
}

async function measure(baudRate: number, runs: number): Promise<{ meanMs: number; bytes: number }> {
  const pty = await startPtyPair();
  const pt = await openSerialStream({ path: pty.ptPath, baudRate });
  if (!pt.ok) throw new Error(pt.error.message);
  const vt = new VirtualTerminal();
  void vt.serveSerial(pacedStream(pt.value, { baudRate }));
  const counter = { bytes: 0 };
  const session = new EcrSession({
    connect: streamConnector(async () => {
      const s = await openSerialStream({ path: pty.ecrPath, baudRate });
      return s.ok ? ok(counting(pacedStream(s.value, { baudRate }), counter)) : s;
    }, 'serial'),
  });
  try {
    const reg = await session.register();
    if (!reg.ok) throw new Error(reg.error.message);
    await session.authorize(money(100, 'EUR')); // warm-up
    let totalMs = 0;
    let totalBytes = 0;
    for (let i = 0; i < runs; i++) {
      counter.bytes = 0;
      const started = performance.now();
      const out = await session.authorize(money(1250 + i, 'EUR'));
      totalMs += performance.now() - started;
      totalBytes += counter.bytes;
      if (out.kind !== 'approved') throw new Error(`authorization ${i} was ${out.kind}`);
    }
    return { meanMs: totalMs / runs, bytes: totalBytes / runs };
  } finally {
    await session.close();
    await pt.value.close();
    await pty.stop();
  }
}

export default async function zvtBench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const [baud, runs] of [
    [9600, 5],
    [115200, 20],
  ] as const) {
    const m = await measure(baud, runs);
    const wireMs = (m.bytes * 11 * 1000) / baud;
    figures.push({
      name: `authorization exchange at ${baud} baud (pty, ${Math.round(m.bytes)} bytes)`,
      value: m.meanMs,
      unit: 'ms',
      limit: wireMs,
      limitLabel: `wire time: ${Math.round(m.bytes)} bytes × 11 bits ÷ ${baud}`,
    });
  }
  return figures;
}
