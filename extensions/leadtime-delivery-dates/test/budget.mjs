// Measures the function's cost per run in node, for the Go benchmark BenchmarkFunctionLines
// (package functionconfig): stdin is a JSON array of inputs; for each it prints the mean
// nanoseconds per run over ITERATIONS runs after a warm-up. javy's QuickJS is not available
// here, so this is a proxy for Shopify's instruction count: its ratio between cart sizes shows
// whether the work is linear in the lines.
import { readFileSync } from 'node:fs';
import { cartDeliveryOptionsTransformRun } from '../src/index.js';

const iterations = Number(process.argv[2] ?? 200);
const inputs = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const input of inputs) {
  for (let i = 0; i < 20; i++) cartDeliveryOptionsTransformRun(input);
  const start = process.hrtime.bigint();
  let ops = 0;
  for (let i = 0; i < iterations; i++) ops += cartDeliveryOptionsTransformRun(input).operations.length;
  out.push({ nsPerRun: Number(process.hrtime.bigint() - start) / iterations, operations: ops / iterations });
}
process.stdout.write(JSON.stringify(out));
