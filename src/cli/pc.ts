import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parseCdmMessages } from '../ccsds/index.js';
import type { ComputedPc } from '../model/assessment.js';
import type { Cdm } from '../protocol/cdm.js';
import { HARD_BODY_SHAPES, assessCdmPc, readRadius, type HardBodyShape } from '../pc/index.js';

/** `pc.default_hbr_m`'s default: the radius used when neither the file nor `--hbr` gives one. */
const DEFAULT_HBR_M = 20;

export interface PcCommandResult {
  exitCode: number;
  out: string[];
  err: string[];
}


type Assessed = { ok: true; cdm: Cdm; computed: ComputedPc } | { ok: false; reason: string };

function describe(cdm: Cdm, computed: ComputedPc): string[] {
  return [
    `cdm_id: ${cdm.cdm_id}`,
    `collision probability: ${computed.value.toExponential(6)}`,
    `method: ${computed.method} (2-D, ${computed.shape})`,
    `hard-body radius: ${computed.hbr_m} m (${computed.hbr_source})`,
    `given collision probability: ${cdm.collision_probability !== undefined ? cdm.collision_probability.toExponential(6) : 'none'}`,
  ];
}

/**
 * `spacecomms pc FILE`: reads the CCSDS CDMs of a file (KVN or XML, one or several, as `POST
 * /cdm` takes them), computes each one's 2-D Pc offline and says how (value, method, shape,
 * radius and where the radius came from). Exit 1 when the file cannot be read or a Pc cannot
 * be computed, with the reason (the others are still printed).
 */
export function runPc(file: string, opts: { hbr?: string; shape?: string; json?: boolean }): PcCommandResult {
  const given = opts.hbr === undefined ? undefined : readRadius(opts.hbr.trim(), '--hbr');
  if (given && !given.ok) return { exitCode: 1, out: [], err: [given.reason] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { exitCode: 1, out: [], err: [`${file}: ${(err as Error).message}`] };
  }
  const parsed = parseCdmMessages(text);
  if (!parsed.ok) return { exitCode: 1, out: [], err: [`${file}: ${parsed.error.message}`] };
  const several = parsed.results.length > 1;
  const where = (i: number) => (several ? `${file} (message ${i + 1})` : file);
  const shape = (opts.shape ?? 'circle') as HardBodyShape;
  const assessed: Assessed[] = parsed.results.map((result, i) => {
    if (!result.ok) return { ok: false, reason: `${where(i)}: ${result.error.message}` };
    const assessment = assessCdmPc(result.cdm, { defaultHbrM: DEFAULT_HBR_M, shape, ...(given ? { hbrM: given.metres } : {}) });
    return assessment.computed_pc
      ? { ok: true, cdm: result.cdm, computed: assessment.computed_pc }
      : { ok: false, reason: `${where(i)}: collision probability not computed: ${assessment.computed_pc_error ?? 'unknown reason'}` };
  });
  const done = assessed.filter((a): a is Extract<Assessed, { ok: true }> => a.ok);
  const err = assessed.flatMap((a) => (a.ok ? [] : [a.reason]));
  const exitCode = err.length > 0 ? 1 : 0;
  if (opts.json) {
    const values = done.map((a) => ({ cdm_id: a.cdm.cdm_id, ...a.computed, given_pc: a.cdm.collision_probability ?? null }));
    return { exitCode, out: values.length === 0 ? [] : [JSON.stringify(several ? values : values[0], null, 2)], err };
  }
  return { exitCode, out: done.flatMap((a, i) => [...(i > 0 ? [''] : []), ...describe(a.cdm, a.computed)]), err };
}

export function pcCommand(): Command {
  return new Command('pc')
    .description("compute a CCSDS CDM file's 2-D collision probability offline (Foster's method)")
    .argument('<file>', 'CCSDS CDM, KVN or XML')
    .option('--hbr <metres>', "combined hard-body radius, overriding the file's")
    .addOption(new Option('--shape <shape>', 'hard-body shape in the encounter plane').choices([...HARD_BODY_SHAPES]).default('circle'))
    .option('--json', 'print JSON')
    .action((file: string, opts: { hbr?: string; shape?: string; json?: boolean }) => {
      const result = runPc(file, opts);
      for (const line of result.out) console.log(line);
      for (const line of result.err) console.error(`spacecomms: ${line}`);
      process.exitCode = result.exitCode;
    });
}
