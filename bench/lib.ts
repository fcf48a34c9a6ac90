/** Tiny helpers shared by the benchmarks: time a loop, print figures and ratios. */
export interface Result {
  name: string;
  count: number;
  totalMs: number;
  perOpMs: number;
  opsPerSec: number;
  p95Ms: number;
}

export async function measure(name: string, count: number, op: (i: number) => unknown, warmup = Math.min(50, Math.ceil(count / 10))): Promise<Result> {
  for (let i = 0; i < warmup; i++) await op(i);
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    samples.push(performance.now() - t);
  }
  const totalMs = performance.now() - start;
  samples.sort((a, b) => a - b);
  return { name, count, totalMs, perOpMs: totalMs / count, opsPerSec: (count / totalMs) * 1000, p95Ms: samples[Math.floor(samples.length * 0.95)] ?? 0 };
}

export function printTable(title: string, results: Result[], baseline?: Result): void {
  console.log(`\n${title}`);
  for (const r of results) {
    const ratio = baseline ? `  x${(r.perOpMs / baseline.perOpMs).toFixed(1)} of ${baseline.name}` : '';
    console.log(`  ${r.name.padEnd(34)} ${r.count} ops  ${r.perOpMs.toFixed(3)} ms/op  p95 ${r.p95Ms.toFixed(3)} ms  ${Math.round(r.opsPerSec)} ops/s${ratio}`);
  }
}

export function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
