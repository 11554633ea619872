/**
 * Connectors: how a session (re)opens its link. The session calls one again after a failure (recovery),
 * so a serial port is reopened and a TCP connection re-established the way P16 §2.2 wants (the ECR opens).
 */
import { ok, type DomainError, type Result } from '../../../src-shared';
import { ApduStreamLink } from '../link/apdu-stream-link';
import type { ApduChannel } from '../link/channel';
import { SerialLink, SPEC_LINK_TIMERS, type SerialLinkTimers } from '../link/serial-link';
import type { ByteStream } from './byte-stream';
import { openSerialStream, type SerialSettings } from './serial';
import { connectTcp } from './tcp';

export type Connector = () => Promise<Result<ApduChannel, DomainError>>;

export function serialConnector(
  settings: SerialSettings,
  timers: SerialLinkTimers = SPEC_LINK_TIMERS,
): Connector {
  return async () => {
    const stream = await openSerialStream(settings);
    return stream.ok ? ok(new SerialLink(stream.value, timers)) : stream;
  };
}

export function tcpConnector(host: string, port: number, connectTimeoutMs = 5000): Connector {
  return async () => {
    const stream = await connectTcp(host, port, connectTimeoutMs);
    return stream.ok ? ok(new ApduStreamLink(stream.value)) : stream;
  };
}

/**
 * For streams made elsewhere (in-process pair, a wrapped pty): `open` returns a fresh stream each call,
 * `framing` says whether the serial link layer runs on it.
 */
export function streamConnector(
  open: () => Promise<Result<ByteStream, DomainError>>,
  framing: 'serial' | 'bare-apdu',
  timers: SerialLinkTimers = SPEC_LINK_TIMERS,
): Connector {
  return async () => {
    const stream = await open();
    if (!stream.ok) return stream;
    return ok(framing === 'serial' ? new SerialLink(stream.value, timers) : new ApduStreamLink(stream.value));
  };
}
