/**
 * Load shapes and counters for core.bench.ts: a closed loop (N clients, each sending its next request when the
 * last one answered: measures saturation), an open loop (requests at a constant arrival rate whatever the
 * answers do, latency measured from the moment each was due, so queueing is not hidden), and a database
 * wrapper that counts the statements and commits the core issues (all of them, and those that wrote).
 */
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import type { CommitShare, Db, Tx } from '../../src-core/db/adapter';
import { authorizationHeader, formatHttpDate, signV1Hmac } from '../../src-core/routing/v1hmac';

export interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  requests: number;
}

function summarise(latencies: number[], failures: number, seconds: number): Run {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    perSecond: (latencies.length - failures) / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failures,
    requests: latencies.length,
  };
}

/** Runs `op(client)` in a loop on `clients` concurrent clients for `durationMs`; latencies in ms. */
export async function closedLoop(
  clients: number,
  durationMs: number,
  op: (client: number) => Promise<boolean>,
): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await op(client);
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  return summarise(latencies, failures, (performance.now() - started) / 1000);
}

/**
 * Sends request i at `start + i / ratePerSecond` for `durationMs`, never waiting for earlier answers; a
 * request's latency runs from when it was due (not when the timer got round to it), so a stalled client or
 * server shows as latency (no coordinated omission).
 */
export async function openLoop(
  ratePerSecond: number,
  durationMs: number,
  op: (i: number) => Promise<boolean>,
): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.max(1, Math.floor((ratePerSecond * durationMs) / 1000));
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      op(i).then(
        (ok) => {
          latencies.push(performance.now() - due);
          if (!ok) failures++;
        },
        () => {
          latencies.push(performance.now() - due);
          failures++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return summarise(latencies, failures, (performance.now() - start) / 1000);
}

export interface Counts {
  statements: number;
  /** Writes to PostgreSQL's socket: each is one round trip (pipelined statements go out in one). */
  roundTrips: number;
  commits: number;
  /** Commits that wrote or locked a row (they get a transaction id and flush the WAL); reads commit too. */
  writeCommits: number;
}

/** A statement that writes or locks rows (locking assigns a transaction id, as a write does). */
const WRITES = /\b(INSERT|UPDATE|DELETE|FOR SHARE)\b/i;

/**
 * The core's database, counting what it sends: every statement (BEGIN/COMMIT not included) and every commit
 * (a transaction that committed, or a statement run outside one, which PostgreSQL commits on its own).
 */
export function countingDb(db: Db, postgresPort?: number): { db: Db; counts: Counts } {
  const counts: Counts = { statements: 0, roundTrips: 0, commits: 0, writeCommits: 0 };
  if (postgresPort !== undefined) countRoundTrips(postgresPort, counts);
  const counted: Db = {
    kind: db.kind,
    async query(sql, params) {
      counts.statements++;
      const rows = await db.query(sql, params);
      counts.commits++;
      if (WRITES.test(sql)) counts.writeCommits++;
      return rows as never;
    },
    async transaction(fn, share) {
      let wrote = false;
      const value = await db.transaction((tx: Tx) => {
        wrote = false;
        const statement = (sql: string) => {
          counts.statements++;
          if (WRITES.test(sql)) wrote = true;
        };
        return fn({
          query(sql, params) {
            statement(sql);
            return tx.query(sql, params);
          },
          // The core's last statement goes out with COMMIT where the database can (pipelined PostgreSQL).
          ...(tx.queryAndCommit
            ? {
                queryAndCommit(sql: string, params?: Parameters<Tx['query']>[1], last?: CommitShare) {
                  statement(sql);
                  return tx.queryAndCommit!(sql, params, last);
                },
              }
            : {}),
        } as Tx);
      }, share);
      counts.commits++;
      if (wrote) counts.writeCommits++;
      return value;
    },
    exec: (sql) => db.exec(sql),
    listen: (channels, handlers) => db.listen(channels, handlers),
    close: () => db.close(),
  };
  return { db: counted, counts };
}

let roundTripCounters: { port: number; counts: Counts }[] = [];
let socketWritesPatched = false;

/**
 * Counts the writes to PostgreSQL's socket (on `port`) in this process while `counts` is being filled: each
 * write is one round trip, whatever number of statements it carries. Patches net.Socket's write methods once.
 */
function countRoundTrips(port: number, counts: Counts): void {
  if (!socketWritesPatched) {
    socketWritesPatched = true;
    for (const method of ['_write', '_writev'] as const) {
      const proto = net.Socket.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
      const original = proto[method]!;
      proto[method] = function (this: net.Socket, ...args: unknown[]) {
        for (const c of roundTripCounters) if (this.remotePort === c.port) c.counts.roundTrips++;
        return original.apply(this, args);
      };
    }
  }
  roundTripCounters = [...roundTripCounters.filter((c) => c.port !== port), { port, counts }];
}

/** Stops counting round trips into `counts`. */
export function stopCountingRoundTrips(counts: Counts): void {
  roundTripCounters = roundTripCounters.filter((c) => c.counts !== counts);
}

/** A signed online-API request (v1HMAC) as the load generator sends it; true on the status wanted. */
export type SignedSend = (
  method: 'POST' | 'GET',
  path: string,
  body: unknown,
) => Promise<{ status: number; body: string }>;

/**
 * The load generator's HTTP client: HTTP/1.1 over keep-alive connections of its own (at most `sockets`, one
 * request at a time on each, requests beyond that wait for a free one), v1HMAC signed like the SDK signs. The
 * request is written as one string and the answer read by its Content-Length. Every request costs CPU on the
 * bench machine that the core and PostgreSQL then do not get, and this is the lightest honest client: `fetch`
 * (undici) cost ~1.5 ms of CPU a request here, node:http 0.28–0.34 ms. The core sees the same requests from
 * either (the same headers, signed the same way).
 */
export function signedHttp(baseUrl: string, keyId: string, secret: string, sockets: number): SignedSend {
  const url = new URL(baseUrl);
  const idle: Connection[] = [];
  const waiting: ((c: Connection) => void)[] = [];
  let open = 0;
  const opened = () => {
    open++;
    return new Connection(url.hostname, Number(url.port), () => open--);
  };
  /** Back to the pool; one the core closed is replaced for whoever waits. */
  const done = (c: Connection) => {
    const next = waiting.shift();
    if (c.usable) {
      if (next) next(c);
      else idle.push(c);
    } else if (next) next(opened());
  };
  const connection = (): Promise<Connection> => {
    for (let c = idle.pop(); c; c = idle.pop()) if (c.usable) return Promise.resolve(c);
    if (open < sockets) return Promise.resolve(opened());
    return new Promise((resolve) => waiting.push(resolve));
  };
  return async (method, path, body) => {
    const date = formatHttpDate(new Date());
    const text = body === undefined ? '' : JSON.stringify(body);
    const signature = signV1Hmac(secret, {
      method,
      contentType: 'application/json',
      date,
      headers: {},
      pathAndQuery: path,
    });
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nDate: ${date}\r\n` +
      `Authorization: ${authorizationHeader(keyId, signature)}\r\n` +
      (body === undefined ? '\r\n' : `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n`);
    const c = await connection();
    try {
      return await c.send(head + text);
    } catch (e) {
      c.destroy();
      throw e;
    } finally {
      done(c);
    }
  };
}

/** One keep-alive connection: a request written whole, its answer read by Content-Length. */
class Connection {
  usable = true;
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { resolve(a: { status: number; body: string }): void; reject(e: Error): void } | null =
    null;

  constructor(host: string, port: number, onClose: () => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => {
      this.usable = false;
      onClose();
      this.fail(new Error('the core closed the connection'));
    });
  }

  send(request: string): Promise<{ status: number; body: string }> {
    if (this.pending) throw new Error('a second request on a busy connection');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(request);
    });
  }

  destroy(): void {
    this.usable = false;
    this.socket.destroy();
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  private received(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.fail(new Error(`an answer without Content-Length: ${head}`));
      this.destroy();
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffer.length < total) return;
    const status = Number(head.slice(9, 12));
    const body = this.buffer.toString('utf8', end + 4, total);
    this.buffer = this.buffer.subarray(total);
    if (/\r\nconnection: *close/i.test(head)) this.usable = false;
    const p = this.pending;
    this.pending = null;
    p?.resolve({ status, body });
  }
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); null when unreadable. */
export function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** A process and all its descendants, the process first (a core started through a launcher, e.g. npm, is a child). */
function processTree(pid: number): number[] {
  const all = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) all.push(...processTree(Number(child)));
    }
  } catch {
    /* a child ended meanwhile */
  }
  return all;
}

/** CPU time (user + system) of a process and all its descendants so far, in ms; null when unreadable. */
export function processTreeCpuMs(pid: number): number | null {
  const [own, ...descendants] = processTree(pid).map(processCpuMs);
  if (own === null || own === undefined) return null;
  return descendants.reduce<number>((total, ms) => total + (ms ?? 0), own);
}

/**
 * The busiest process of a tree (the core, when a launcher started it) and its main thread's scheduler
 * figures so far (`/proc/<pid>/task/<pid>/schedstat`: time on a CPU, time runnable but waiting for one, in
 * ms); null when unreadable (not Linux, or no schedstats).
 */
export function mainThreadSchedMs(pid: number): { runningMs: number; waitingMs: number } | null {
  let busiest = pid;
  let most = -1;
  for (const p of processTree(pid)) {
    const ms = processCpuMs(p) ?? -1;
    if (ms > most) [busiest, most] = [p, ms];
  }
  try {
    const [run, wait] = readFileSync(`/proc/${busiest}/task/${busiest}/schedstat`, 'utf8').split(' ');
    return { runningMs: Number(run) / 1e6, waitingMs: Number(wait) / 1e6 };
  } catch {
    return null;
  }
}

/** Linux scheduling policies by number (`/proc/<pid>/stat` field 41). */
const POLICIES = [
  'SCHED_OTHER',
  'SCHED_FIFO',
  'SCHED_RR',
  'SCHED_BATCH',
  'SCHED_ISO',
  'SCHED_IDLE',
  'SCHED_DEADLINE',
];

/** A process's scheduling policy and its parent's pid (for a PostgreSQL backend: the postmaster). */
export function schedulingOf(pid: number): { policy: string; parent: number } | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": state is field 3, ppid 4, policy 41.
    return { policy: POLICIES[Number(fields[38])] ?? `policy ${fields[38]}`, parent: Number(fields[1]) };
  } catch {
    return null;
  }
}

/** CPU of several processes (e.g. PostgreSQL backends) so far, in ms; null when any is unreadable. */
export function processesCpuMs(pids: readonly number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}

/**
 * Transactions PostgreSQL committed in the database so far (pg_stat_database.xact_commit). A backend reports
 * its counts when it ends at the latest, so read this after the pools that did the work were closed; the
 * reading connection's own transaction is counted in the next reading.
 */
export async function databaseCommits(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await new Promise((r) => setTimeout(r, 300));
    const r = await client.query<{ n: string }>(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
