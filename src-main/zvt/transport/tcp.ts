/**
 * ZVT over TCP/IP (P16 §4): the ECR opens the connection (default port 20007) and the bare APDUs flow
 * on it. This module only moves bytes; the APDU splitting is in link/apdu-stream-link.ts.
 */
import net from 'node:net';
import { domainError, err, ok, type DomainError, type Result } from '../../../src-shared';
import { StreamListeners, type ByteStream } from './byte-stream';

export const ZVT_TCP_PORT = 20007;

export function socketStream(socket: net.Socket, description: string): ByteStream {
  const listeners = new StreamListeners();
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => listeners.emitData(new Uint8Array(chunk)));
  socket.on('close', () => listeners.emitClose(`connection to ${description} closed`));
  socket.on('error', () => undefined); // 'close' follows every 'error'; the reason reaches the link there
  return {
    description,
    get isOpen() {
      return !listeners.closed && !socket.destroyed;
    },
    write: (bytes) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.write(bytes, () => resolve());
      }),
    onData: (l) => listeners.onData(l),
    onClose: (l) => listeners.onClose(l),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 200).unref();
      }),
  };
}

/** "192.168.1.20", "192.168.1.20:20008", "[::1]:20007" → host and port. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m?.[1]) return null;
  const port = m[2] === undefined ? ZVT_TCP_PORT : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: m[1], port };
}

export function connectTcp(
  host: string,
  port: number,
  timeoutMs = 5000,
): Promise<Result<ByteStream, DomainError>> {
  const description = `${host}:${port}`;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(
        err(
          domainError('TERMINAL_UNREACHABLE', {
            port: description,
            settings: `TCP, ${timeoutMs} ms connect timeout`,
          }),
        ),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(ok(socketStream(socket, description)));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      resolve(err(domainError('TERMINAL_UNREACHABLE', { port: description, settings: `TCP: ${e.message}` })));
    });
  });
}

export interface TcpListener {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 = ephemeral) and hands each connection over as a ByteStream. */
export function listenTcp(
  host: string,
  port: number,
  onConnection: (stream: ByteStream) => void,
): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socketStream(socket, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({
        port: actual,
        host,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
