export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarise(samplesMs: number[]): Record<string, string> {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const fmt = (n: number): string => `${n.toFixed(1)} ms`;
  return {
    samples: String(sorted.length),
    p50: fmt(percentile(sorted, 50)),
    p95: fmt(percentile(sorted, 95)),
    p99: fmt(percentile(sorted, 99)),
    max: fmt(sorted[sorted.length - 1] ?? NaN),
  };
}

/** A benchmark run on its own (`npx tsx bench/<name>.ts`): prints its figures, exits 0, or 1 on an error. */
export function runAlone(bench: Promise<{ name: string; figures: Record<string, string> }>): void {
  bench
    .then((r) => {
      console.log(`\n${r.name}`);
      for (const [k, v] of Object.entries(r.figures)) {
        console.log(`  ${k.padEnd(28)} ${v}`);
      }
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
