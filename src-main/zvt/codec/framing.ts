/**
 * Serial framing (P16 §3): `DLE STX <APDU, every 10 doubled> DLE ETX CRC-lo CRC-hi`.
 * CRC-16/KERMIT (reflected 0x8408, init 0) over the un-stuffed APDU followed by ETX, sent low byte first.
 * The CRC bytes are not stuffed (P16 + ECT/EPK/PTL; reference §1.2).
 */
import { ok } from '../../../src-shared';
import { MAX_APDU_BYTES } from './apdu';
import { hexByte } from './bytes';
import { decodeError, type Decoded } from './decode-error';

export const DLE = 0x10;
export const STX = 0x02;
export const ETX = 0x03;
export const ACK = 0x06;
export const NAK = 0x15;

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-16/KERMIT of `bytes`; check("123456789") = 0x2189. */
export function crc16Kermit(bytes: Uint8Array, initial = 0): number {
  let crc = initial;
  for (const b of bytes) crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ b) & 0xff] ?? 0);
  return crc;
}

/** The frame CRC: over the APDU and the ETX (P16 §3.3). */
export function zvtCrc(apduBytes: Uint8Array): number {
  return crc16Kermit(Uint8Array.of(ETX), crc16Kermit(apduBytes));
}

export function encodeFrame(apduBytes: Uint8Array): Uint8Array {
  const out: number[] = [DLE, STX];
  for (const b of apduBytes) {
    out.push(b);
    if (b === DLE) out.push(DLE);
  }
  const crc = zvtCrc(apduBytes);
  out.push(DLE, ETX, crc & 0xff, crc >> 8);
  return Uint8Array.from(out);
}

export type FrameEvent =
  | { kind: 'frame'; apdu: Uint8Array }
  | { kind: 'bad-frame'; reason: string }
  | { kind: 'ack' }
  | { kind: 'nak' }
  /** Bytes outside any frame that are neither ACK nor NAK (line noise), dropped while resynchronising. */
  | { kind: 'garbage'; count: number };

type State = 'idle' | 'after-dle' | 'data' | 'data-dle' | 'crc-lo' | 'crc-hi';

/**
 * Streaming receiver (reference §1.3): a state machine, never "find 03 near the end". Bounded: a frame
 * longer than the largest APDU is dropped as bad. Between frames, 06 and 15 are link ACK/NAK.
 */
export class FrameReceiver {
  private state: State = 'idle';
  private buffer = new Uint8Array(64);
  private length = 0;
  private crcLo = 0;
  private garbage = 0;

  /** True while a frame has started but not ended: the T1 inter-byte timer runs only then. */
  get inFrame(): boolean {
    return this.state !== 'idle';
  }

  /** Bytes currently held (never more than MAX_APDU_BYTES). */
  get buffered(): number {
    return this.length;
  }

  reset(): void {
    this.state = 'idle';
    this.length = 0;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    const flushGarbage = () => {
      if (this.garbage > 0) {
        events.push({ kind: 'garbage', count: this.garbage });
        this.garbage = 0;
      }
    };
    for (const b of chunk) {
      switch (this.state) {
        case 'idle':
          if (b === DLE) this.state = 'after-dle';
          else if (b === ACK || b === NAK) {
            flushGarbage();
            events.push({ kind: b === ACK ? 'ack' : 'nak' });
          } else this.garbage += 1;
          break;
        case 'after-dle':
          if (b === STX) {
            flushGarbage();
            this.state = 'data';
            this.length = 0;
          } else if (b === DLE) {
            this.garbage += 1; // keep waiting for STX after the latest DLE
          } else {
            this.garbage += 2;
            this.state = 'idle';
          }
          break;
        case 'data':
          if (b === DLE) this.state = 'data-dle';
          else this.append(b, events);
          break;
        case 'data-dle':
          if (b === DLE) {
            this.state = 'data';
            this.append(DLE, events);
          } else if (b === ETX) {
            this.state = 'crc-lo';
          } else if (b === STX) {
            // A new frame starts inside the old one: the old one is broken, resynchronise on the new.
            events.push({ kind: 'bad-frame', reason: 'DLE STX inside a frame: the frame was cut off' });
            this.state = 'data';
            this.length = 0;
          } else {
            events.push({
              kind: 'bad-frame',
              reason: `DLE followed by ${hexByte(b)} inside the data (only DLE or ETX may follow)`,
            });
            this.reset();
          }
          break;
        case 'crc-lo':
          this.crcLo = b;
          this.state = 'crc-hi';
          break;
        case 'crc-hi': {
          const received = this.crcLo | (b << 8);
          const apdu = this.buffer.slice(0, this.length);
          const expected = zvtCrc(apdu);
          this.reset();
          if (received !== expected) {
            events.push({
              kind: 'bad-frame',
              reason: `CRC ${hexByte(received & 0xff)} ${hexByte(received >> 8)} does not match ${hexByte(expected & 0xff)} ${hexByte(expected >> 8)}`,
            });
          } else if (apdu.length < 3) {
            events.push({ kind: 'bad-frame', reason: `frame holds ${apdu.length} bytes, an APDU needs 3` });
          } else {
            events.push({ kind: 'frame', apdu });
          }
          break;
        }
      }
      if (this.state === 'idle' && this.length !== 0) this.length = 0;
    }
    flushGarbage();
    return events;
  }

  private append(b: number, events: FrameEvent[]): void {
    if (this.length >= MAX_APDU_BYTES) {
      events.push({ kind: 'bad-frame', reason: `frame longer than ${MAX_APDU_BYTES} bytes` });
      this.reset();
      return;
    }
    if (this.length === this.buffer.length) {
      const bigger = new Uint8Array(Math.min(this.buffer.length * 2, MAX_APDU_BYTES));
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = b;
  }
}

/** Decodes one complete frame (a captured trace) to its APDU bytes, with the offset of what is wrong. */
export function decodeFrame(bytes: Uint8Array): Decoded<Uint8Array> {
  if (bytes[0] !== DLE || bytes[1] !== STX) return decodeError(0, 'a frame starts with DLE STX (10 02)');
  const apdu: number[] = [];
  let i = 2;
  for (;;) {
    if (i >= bytes.length) return decodeError(i, 'the frame ends before DLE ETX (10 03)');
    const b = bytes[i] ?? 0;
    if (b !== DLE) {
      apdu.push(b);
      i += 1;
      continue;
    }
    const next = bytes[i + 1];
    if (next === undefined) return decodeError(i + 1, 'the frame ends after a DLE');
    if (next === DLE) {
      apdu.push(DLE);
      i += 2;
    } else if (next === ETX) {
      i += 2;
      break;
    } else return decodeError(i + 1, `DLE followed by ${hexByte(next)} (only DLE or ETX may follow a DLE)`);
  }
  if (i + 2 > bytes.length) return decodeError(i, 'the 2 CRC bytes after DLE ETX are missing');
  if (i + 2 < bytes.length) return decodeError(i + 2, `${bytes.length - i - 2} bytes follow the CRC`);
  const received = (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8);
  const data = Uint8Array.from(apdu);
  const expected = zvtCrc(data);
  if (received !== expected) {
    return decodeError(
      i,
      `CRC ${hexByte(received & 0xff)} ${hexByte(received >> 8)} is wrong; expected ${hexByte(expected & 0xff)} ${hexByte(expected >> 8)} (CRC-16/KERMIT, low byte first)`,
    );
  }
  return ok(data);
}
