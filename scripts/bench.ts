/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (or the ones named on the command line) and prints each
 * figure beside its limit as a ratio. A bench file default-exports an async function returning figures.
 * Benchmarks measure; they do not pass or fail (speed targets are not timed assertions in tests).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchFigure {
  /** What was measured, e.g. "authorization exchange at 9600 baud". */
  name: string;
  value: number;
  unit: string;
  /**
   * The physical or reference limit it is compared with, in the same unit. 0 for a count that must stay 0
   * (lost, charged twice: printed as value / 0, and a value above it makes the run exit non-zero); null for a
   * figure printed for information (a duration) with no limit.
   */
  limit: number | null;
  /** What the limit is, e.g. "wire time: bytes × 11 bits ÷ 9600". */
  limitLabel: string;
}

const dir = path.resolve(import.meta.dirname, '..', 'test', 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

const format = (n: number) =>
  Number.isInteger(n)
    ? String(n)
    : Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 1
        ? n.toFixed(2)
        : n.toPrecision(3);

let failed = false;
for (const file of files) {
  console.log(`\n## ${file}`);
  try {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
      default: () => Promise<BenchFigure[]>;
    };
    for (const f of await mod.default()) {
      const ratio =
        f.limit === null ? '—' : f.limit === 0 ? `${format(f.value)} / 0` : (f.value / f.limit).toFixed(2);
      // A count that must stay 0 and did not: a correctness failure, not a speed figure.
      if (f.limit === 0 && f.value > 0) failed = true;
      console.log(
        `${f.name.padEnd(58)} ${format(f.value).padStart(10)} ${f.unit.padEnd(8)} limit ${(f.limit === null ? '—' : format(f.limit)).padStart(10)} ${f.unit.padEnd(8)} ratio ${ratio.padStart(6)}  (${f.limitLabel})`,
      );
    }
  } catch (e) {
    failed = true;
    console.error(`${file} failed:`, e);
  }
}
process.exit(failed ? 1 : 0);
