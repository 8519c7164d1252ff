// Generates one scale's distinct nights into <exports dir> (bench/lib/dataset.ts fills the days between).
// Usage: tsx bench/lib/generate.ts <scale> <exports dir>
import path from 'node:path';
import { generateDemoDrops } from '../../src/demo/generate.js';
import { writeDrop, type DropSpec } from '../../src/demo/writeDrop.js';
import { END, FULL, shapeOf } from './dataset.js';

const scale = Number(process.argv[2]);
const exportsDir = process.argv[3]!;
const shape = shapeOf(scale);

/** The generator deals customers out to managers in turn; the first `bigBook` customers all go to the first one. */
function concentrateBook(spec: DropSpec): DropSpec {
  const customers = spec.customers ?? [];
  const first = customers[0]?.owner_email;
  return {
    ...spec,
    customers: customers.map((c, i) => (i < shape.bigBook && first ? { ...c, owner_email: first } : c)),
  };
}

for (const drop of generateDemoDrops({
  seed: 42,
  customers: shape.customers,
  owners: shape.owners,
  usersPerCustomer: FULL.usersPerCustomer,
  drops: shape.weeks,
  cadenceDays: 7,
  endDate: END,
})) {
  const dir = path.join(exportsDir, drop.date);
  writeDrop(dir, concentrateBook(drop.spec));
  process.stderr.write(`  generated ${drop.date} (scale ${scale})\n`);
}
