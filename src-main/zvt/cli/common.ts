/** What the CLI's commands share: printing, usage errors, and the connection flags. */
import type { DomainError } from '../../../src-shared';
import { serialConnector, tcpConnector, type Connector } from '../transport/connect';
import type { SerialSettings } from '../transport/serial';
import { parseHostPort } from '../transport/tcp';
import { flag, USAGE, type CliArgs } from './args';

export type Print = (value: unknown, text: string) => void;

/** Prints a usage problem (with the catalog error when there is one, for --json) and returns exit code 2. */
export function usageError(print: Print, message: string, error?: DomainError): number {
  print({ error: error ?? { code: 'USAGE', message } }, `${message}\n\n${USAGE}`);
  return 2;
}

export function serialSettings(args: CliArgs, path: string): SerialSettings | string {
  const baud = Number(flag(args, 'baud') ?? 9600);
  const stop = Number(flag(args, 'stop-bits') ?? 2);
  const data = Number(flag(args, 'data-bits') ?? 8);
  const parity = flag(args, 'parity') ?? 'none';
  if (!Number.isInteger(baud) || baud <= 0) return `--baud ${flag(args, 'baud')} is not a baud rate`;
  if (stop !== 1 && stop !== 2) return '--stop-bits is 1 or 2';
  if (data !== 8 && data !== 7) return '--data-bits is 7 or 8';
  if (!['none', 'even', 'odd'].includes(parity)) return '--parity is none, even or odd';
  return { path, baudRate: baud, stopBits: stop, dataBits: data, parity: parity as SerialSettings['parity'] };
}

export function connectorFrom(args: CliArgs): Connector | string {
  const port = flag(args, 'port');
  const host = flag(args, 'host');
  if (port && host) return 'give either --port or --host, not both';
  if (port) {
    const s = serialSettings(args, port);
    return typeof s === 'string' ? s : serialConnector(s);
  }
  if (host) {
    const hp = parseHostPort(host);
    return hp ? tcpConnector(hp.host, hp.port) : `--host ${host} is not ip[:port]`;
  }
  return 'which terminal? give --port <serial path> (e.g. /dev/ttyUSB0) or --host <ip[:port]>';
}
