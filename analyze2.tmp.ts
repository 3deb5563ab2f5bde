import * as esbuild from 'esbuild';
import { esbuildOptionsFor } from './scripts/bundle-measure.ts';
import { FUNCTION_ENTRIES } from './infra/function-entries.ts';
const [id, filter, n] = process.argv.slice(2);
const fns = FUNCTION_ENTRIES.filter((f) => f.id === id);
const r = await esbuild.build({ ...esbuildOptionsFor(fns, '/tmp/an-out2'), write: true });
for (const [out, o] of Object.entries(r.metafile!.outputs)) {
  if (!out.endsWith('.mjs')) continue;
  const rows = Object.entries(o.inputs)
    .filter(([k]) => (filter === '-' ? !k.includes('node_modules') : k.includes(filter ?? '')))
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, Number(n ?? 30));
  for (const [k, v] of rows) console.log((v.bytesInOutput / 1024).toFixed(1).padStart(6), k.replace(/.*node_modules\//, ''));
}
