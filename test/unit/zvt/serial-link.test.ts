/**
 * The serial link layer on the in-process line (P16 §3): ACK before processing, NAK on a bad frame or a
 * gap longer than T1, repeats after NAK/T2 (at most 2), resync after garbage and partial frames.
 */
import { describe, expect, test } from 'vitest';
import { encodeFrame } from '../../../src-main/zvt/codec/framing';
import { fromHex, toHex } from '../../../src-main/zvt/codec/bytes';
import { SerialLink } from '../../../src-main/zvt/link/serial-link';
import { createInProcessPair } from '../../../src-main/zvt/transport/in-process';

const timers = { t1Ms: 100, t2Ms: 200, maxRepeats: 2 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rawPeer() {
  const { a, b } = createInProcessPair();
  const link = new SerialLink(a, timers);
  const received: number[] = [];
  b.onData((d) => received.push(...d));
  return { link, peer: b, received };
}

describe('serial link layer', () => {
  test('a good frame is ACKed and delivered; garbage and a broken frame before it are skipped', async () => {
    const { link, peer, received } = rawPeer();
    const apdu = fromHex('04 FF 01 0A')!;
    await peer.write(Uint8Array.of(0x41, 0x10, 0x99, 0x10, 0x02, 0x04, 0x10, 0x07)); // noise, then DLE + bad byte
    await peer.write(encodeFrame(apdu));
    const got = await link.receive(1000);
    expect(got.ok && toHex(got.value)).toBe(toHex(apdu));
    await sleep(20);
    expect(received).toEqual([0x15, 0x06]); // NAK for the broken frame, ACK for the good one
  });

  test('a gap longer than T1 inside a frame is answered with NAK, and the next frame is still read', async () => {
    const { link, peer, received } = rawPeer();
    const frame = encodeFrame(fromHex('80 00 00')!);
    await peer.write(frame.slice(0, 4));
    await sleep(timers.t1Ms * 3);
    expect(received).toEqual([0x15]);
    await peer.write(frame);
    const got = await link.receive(1000);
    expect(got.ok && toHex(got.value)).toBe('80 00 00');
  });

  test('after a NAK the frame is repeated; after three failures the send reports not-acknowledged', async () => {
    const { link, peer, received } = rawPeer();
    let frames = 0;
    peer.onData((d) => {
      if (d[0] === 0x10) {
        frames += 1;
        void peer.write(Uint8Array.of(frames === 1 ? 0x15 : 0x06));
      }
    });
    expect((await link.send(fromHex('06 B0 00')!)).ok).toBe(true);
    expect(frames).toBe(2);

    const silent = rawPeer();
    const r = await silent.link.send(fromHex('06 B0 00')!);
    expect(r).toEqual({
      ok: false,
      error: { kind: 'not-acknowledged', attempts: 3, lastProblem: 'no ACK within T2 (200 ms)' },
    });
    expect(silent.received.filter((b) => b === 0x02).length).toBe(3); // three DLE STX
    void received;
  });
});
