import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figures } from '../lib/report.js';
import { ROOT } from '../lib/processes.js';
import { load, microsPerCall } from '../lib/in-process.js';

interface PcModule {
  assessCdmPc(cdm: unknown, options: { defaultHbrM: number }): { computed_pc?: { value: number }; computed_pc_error?: string };
}
interface CcsdsModule {
  parseCdm(text: string): { ok: true; cdm: unknown } | { ok: false };
}

const CORPUS = join(ROOT, 'test/fixtures/ccsds/corpus');

/**
 * Cost of the node's own Pc (src/pc), which every node computes for every CDM it stores:
 * `assessCdmPc` (frames, HBR, encounter plane, Foster integral; parsing excluded) on the
 * JSON fixture CDM that the ingest scenario posts, and the mean over the CCSDS corpus files
 * that carry both covariances (NASA CARA's Alfano cases among them). With the ingest
 * scenario's CPU per request, `ingest_cpu_share` is the part of ingest that Pc takes.
 */
export async function pcCost(calls: number, ingest: Figures | undefined): Promise<Figures> {
  const { assessCdmPc } = await load<PcModule>('dist/pc/index.js');
  const { parseCdm } = await load<CcsdsModule>('dist/ccsds/index.js');
  const fixture = (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/json/cdm-announce.json'), 'utf8')) as { payload: { cdm: unknown } }).payload.cdm;
  if (assessCdmPc(fixture, { defaultHbrM: 20 }).computed_pc === undefined) throw new Error('pc bench: the fixture CDM gave no computed Pc');
  const corpus = readdirSync(CORPUS)
    .filter((f) => /\.(cdm|kvn|xml)$/.test(f))
    .map((f) => parseCdm(readFileSync(join(CORPUS, f), 'utf8')))
    .flatMap((p) => (p.ok ? [p.cdm] : []))
    .filter((cdm) => assessCdmPc(cdm, { defaultHbrM: 20 }).computed_pc !== undefined);
  const fixtureUs = microsPerCall(() => assessCdmPc(fixture, { defaultHbrM: 20 }), calls);
  const corpusUs = microsPerCall(() => {
    for (const cdm of corpus) assessCdmPc(cdm, { defaultHbrM: 20 });
  }, Math.ceil(calls / Math.max(1, corpus.length))) / Math.max(1, corpus.length);
  const ingestUs = typeof ingest?.cpu_ms_per_request === 'number' ? ingest.cpu_ms_per_request * 1000 : undefined;
  return {
    fixture_us: fixtureUs,
    corpus_us: Math.round(corpusUs * 100) / 100,
    corpus_cdms: corpus.length,
    ...(ingestUs ? { ingest_cpu_share: Math.round((fixtureUs / ingestUs) * 1000) / 1000 } : {}),
    method: 'in-process assessCdmPc, mean of N calls after warm-up; share = fixture µs / ingest CPU µs per request of this run',
  };
}
