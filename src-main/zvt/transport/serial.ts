/**
 * RS-232 through `serialport`. Defaults 9600 8N2 without handshake (P16 §2.1); everything is
 * configurable because terminals in the field vary (reference §1.1, §9.5).
 */
import { SerialPort } from 'serialport';
import { domainError, err, ok, type DomainError, type Result } from '../../../src-shared';
import { StreamListeners, type ByteStream } from './byte-stream';

export interface SerialSettings {
  readonly path: string;
  readonly baudRate?: number;
  readonly dataBits?: 5 | 6 | 7 | 8;
  readonly stopBits?: 1 | 1.5 | 2;
  readonly parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
}

export const DEFAULT_SERIAL = { baudRate: 9600, dataBits: 8, stopBits: 2, parity: 'none' } as const;

export function describeSerial(s: SerialSettings): string {
  const parity = (s.parity ?? DEFAULT_SERIAL.parity)[0]?.toUpperCase() ?? 'N';
  return `${s.path} at ${s.baudRate ?? DEFAULT_SERIAL.baudRate} ${s.dataBits ?? DEFAULT_SERIAL.dataBits}${parity}${s.stopBits ?? DEFAULT_SERIAL.stopBits}`;
}

export async function openSerialStream(settings: SerialSettings): Promise<Result<ByteStream, DomainError>> {
  const description = describeSerial(settings);
  const port = new SerialPort({
    path: settings.path,
    baudRate: settings.baudRate ?? DEFAULT_SERIAL.baudRate,
    dataBits: settings.dataBits ?? DEFAULT_SERIAL.dataBits,
    stopBits: settings.stopBits ?? DEFAULT_SERIAL.stopBits,
    parity: settings.parity ?? DEFAULT_SERIAL.parity,
    rtscts: false,
    xon: false,
    xoff: false,
    autoOpen: false,
  });
  const opened = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
  if (opened) {
    return err(domainError('TERMINAL_SERIAL_PORT_FAILED', { port: settings.path, reason: opened.message }));
  }
  const listeners = new StreamListeners();
  port.on('data', (chunk: Buffer) => listeners.emitData(new Uint8Array(chunk)));
  port.on('close', () => listeners.emitClose(`serial port ${settings.path} closed`));
  // An error after open (cable unplugged on a USB adapter) closes the stream; the link reports it.
  port.on('error', (e: Error) => listeners.emitClose(`serial port error: ${e.message}`));
  const stream: ByteStream = {
    description,
    get isOpen() {
      return port.isOpen && !listeners.closed;
    },
    write: (bytes) =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.write(Buffer.from(bytes), () => port.drain(() => resolve()));
      }),
    onData: (l) => listeners.onData(l),
    onClose: (l) => listeners.onClose(l),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) {
          listeners.emitClose('closed');
          return resolve();
        }
        port.close(() => {
          listeners.emitClose('closed');
          resolve();
        });
      }),
  };
  return ok(stream);
}
