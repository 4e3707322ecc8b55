// The bench's figures: percentiles, milliseconds as printed, and the rows every section reports
// (printed as they come, and again as a table at the end).
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;

export const rows: [string, string, string][] = [];

export function report(name: string, value: string, target = ''): void {
  rows.push([name, value, target]);
  process.stdout.write(`  ${name}: ${value}${target ? `  (cible ${target})` : ''}\n`);
}
