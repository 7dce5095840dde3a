// One independent process doing its share of the CPU scenario: the machine's parallel ceiling.
import { cpu } from '../tasks.mjs';
const [count, n] = process.argv.slice(2).map(Number);
const start = performance.timeOrigin + performance.now();
for (let i = 0; i < count; i++) cpu(n);
const end = performance.timeOrigin + performance.now();
process.stdout.write(JSON.stringify({ start, end }));
