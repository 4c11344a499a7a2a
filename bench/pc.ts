/**
 * `npm run build && npm run bench:build && node node_modules/.cache/spacecomms-bench/pc.js`
 *
 * Cost of the node's own Pc, computed for every CDM put into the table: the time of
 * `assessCdmPc` (parse excluded) on the shipped CCSDS example and on the JSON fixture CDM,
 * against the time of storing the same CDM in a memory store without it. Printed, not asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ROOT } from './lib/processes.js';

interface PcModule {
  assessCdmPc(cdm: unknown, options: { defaultHbrM: number }): { computed_pc?: { value: number } };
}
interface CcsdsModule {
  parseCdm(text: string): { ok: true; cdm: unknown } | { ok: false };
}

async function load<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, relative)).href)) as T;
}

function perCall(run: () => void, calls: number): number {
  for (let i = 0; i < Math.min(200, calls); i++) run();
  const start = performance.now();
  for (let i = 0; i < calls; i++) run();
  return ((performance.now() - start) * 1000) / calls;
}

async function main(): Promise<void> {
  const { assessCdmPc } = await load<PcModule>('dist/pc/index.js');
  const { parseCdm } = await load<CcsdsModule>('dist/ccsds/index.js');
  const kvn = readFileSync(join(ROOT, 'examples/alfano01.cdm'), 'utf8');
  const parsed = parseCdm(kvn);
  if (!parsed.ok) throw new Error('examples/alfano01.cdm did not parse');
  const json = (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/json/cdm-announce.json'), 'utf8')) as { payload: { cdm: unknown } }).payload.cdm;
  const rows = [
    ['alfano01 (KVN) Pc', perCall(() => assessCdmPc(parsed.cdm, { defaultHbrM: 20 }), 5000)],
    ['fixture CDM (JSON) Pc', perCall(() => assessCdmPc(json, { defaultHbrM: 20 }), 5000)],
    ['alfano01 (KVN) parse, for scale', perCall(() => parseCdm(kvn), 2000)],
  ] as const;
  for (const [what, us] of rows) console.log(`${what.padEnd(34)} ${us.toFixed(1).padStart(8)} µs per CDM`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
