/**
 * A loopback HTTP proxy in front of the core that misbehaves the way networks do, for the sync tests and
 * bench (issue 9 "Sync under faults"):
 * - duplicate: the request reaches the core twice at the same time; the client gets one of the answers;
 * - dropResponse: the core gets and applies the request, then the connection to the client is cut before
 *   the answer (the worst case: applied, but the counter does not know);
 * - delay: the request waits before it is forwarded (with several counters: reordering between them);
 * - lateReplay: after the client got its answer, a copy of the request reaches the core again much later,
 *   after newer requests (a stale retransmission arriving out of order);
 * - partition: connections are refused (the listening socket is closed) until healed.
 *
 * Decisions come from a seeded generator, one draw sequence per request in arrival order, so a run is
 * reproducible as far as the arrival order is (with one client it is exactly reproducible).
 */
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultRates {
  duplicate: number;
  dropResponse: number;
  delay: number;
  lateReplay: number;
  /** Upper bound of a delay, ms. */
  maxDelayMs: number;
  /** How late a late replay arrives, ms. */
  replayAfterMs: number;
}

export const NO_FAULTS: FaultRates = {
  duplicate: 0,
  dropResponse: 0,
  delay: 0,
  lateReplay: 0,
  maxDelayMs: 0,
  replayAfterMs: 0,
};

export interface FaultStats {
  requests: number;
  forwarded: number;
  duplicated: number;
  droppedResponses: number;
  delayed: number;
  lateReplays: number;
  /** Partitions started (connections are then refused by the kernel: the listener is closed). */
  partitions: number;
}

export interface FaultProxy {
  url: string;
  port: number;
  stats: FaultStats;
  setFaults(rates: Partial<FaultRates>): void;
  /** Refuses connections (closes the listener and cuts open connections) until heal(). */
  partition(): Promise<void>;
  heal(): Promise<void>;
  /** Resolves when every forwarded request (replays included) has had its answer from the core. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** mulberry32: small, fast, good enough to draw faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Forwarded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export async function startFaultProxy(options: {
  target: string;
  seed: number;
  faults?: Partial<FaultRates>;
}): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  let rates: FaultRates = { ...NO_FAULTS, ...options.faults };
  const stats: FaultStats = {
    requests: 0,
    forwarded: 0,
    duplicated: 0,
    droppedResponses: 0,
    delayed: 0,
    lateReplays: 0,
    partitions: 0,
  };
  const inFlight = new Set<Promise<unknown>>();
  const sockets = new Set<Socket>();
  let partitioned = false;
  let port = 0;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  };

  function forward(req: IncomingMessage, body: Buffer): Promise<Forwarded> {
    stats.forwarded++;
    return track(
      new Promise<Forwarded>((resolve, reject) => {
        const headers = { ...req.headers, host: target.host };
        const out = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const h: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) {
                if (typeof v === 'string' && k !== 'connection' && k !== 'transfer-encoding') h[k] = v;
              }
              resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
            });
            res.on('error', reject);
          },
        );
        out.on('error', reject);
        out.end(body);
      }),
    );
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        stats.requests++;
        const body = Buffer.concat(chunks);
        // Draw every decision up front, always the same number of draws per request: reproducible.
        const [dup, drop, delay, delayLength, replay] = [random(), random(), random(), random(), random()];
        if (delay < rates.delay) {
          stats.delayed++;
          await sleep(Math.floor(delayLength * rates.maxDelayMs));
        }
        let answer: Forwarded;
        if (dup < rates.duplicate) {
          stats.duplicated++;
          const copies = [forward(req, body), forward(req, body)];
          answer = await Promise.any(copies);
          await Promise.allSettled(copies);
        } else {
          answer = await forward(req, body);
        }
        if (replay < rates.lateReplay) {
          stats.lateReplays++;
          track(sleep(rates.replayAfterMs).then(() => forward(req, body))).catch(() => undefined);
        }
        if (drop < rates.dropResponse) {
          // The core has applied it; the client never hears so.
          stats.droppedResponses++;
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, answer.headers).end(answer.body);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    if (partitioned) s.destroy();
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen();
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    setFaults(r) {
      rates = { ...rates, ...r };
    },
    async partition() {
      if (partitioned) return;
      partitioned = true;
      stats.partitions++;
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async heal() {
      if (!partitioned) return;
      partitioned = false;
      await listen();
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      partitioned = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
