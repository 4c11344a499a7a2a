import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parseCdm } from '../ccsds/index.js';
import { HARD_BODY_SHAPES, assessCdmPc, type HardBodyShape } from '../pc/index.js';

/** `pc.default_hbr_m`'s default: the radius used when neither the file nor `--hbr` gives one. */
const DEFAULT_HBR_M = 20;

export interface PcCommandResult {
  exitCode: number;
  out: string[];
  err: string[];
}

function positiveMetres(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : Number.NaN;
}

/**
 * `spacecomms pc FILE`: reads a CCSDS CDM (KVN or XML), computes its 2-D Pc offline and says
 * how (value, method, shape, radius and where the radius came from). Exit 1 when the file
 * cannot be read or the Pc cannot be computed, with the reason.
 */
export function runPc(file: string, opts: { hbr?: string; shape?: string; json?: boolean }): PcCommandResult {
  const hbr = positiveMetres(opts.hbr);
  if (Number.isNaN(hbr)) return { exitCode: 1, out: [], err: [`--hbr: ${opts.hbr} is not a positive number of metres`] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { exitCode: 1, out: [], err: [`${file}: ${(err as Error).message}`] };
  }
  const parsed = parseCdm(text);
  if (!parsed.ok) return { exitCode: 1, out: [], err: [`${file}: ${parsed.error.message}`] };
  const cdm = parsed.cdm;
  const shape = (opts.shape ?? 'circle') as HardBodyShape;
  const assessment = assessCdmPc(cdm, { defaultHbrM: DEFAULT_HBR_M, shape, ...(hbr !== undefined ? { hbrM: hbr } : {}) });
  const computed = assessment.computed_pc;
  if (!computed) return { exitCode: 1, out: [], err: [`${file}: collision probability not computed: ${assessment.computed_pc_error ?? 'unknown reason'}`] };
  if (opts.json) {
    return { exitCode: 0, out: [JSON.stringify({ cdm_id: cdm.cdm_id, ...computed, given_pc: cdm.collision_probability ?? null }, null, 2)], err: [] };
  }
  return {
    exitCode: 0,
    out: [
      `cdm_id: ${cdm.cdm_id}`,
      `collision probability: ${computed.value.toExponential(6)}`,
      `method: ${computed.method} (2-D, ${computed.shape})`,
      `hard-body radius: ${computed.hbr_m} m (${computed.hbr_source})`,
      `given collision probability: ${cdm.collision_probability !== undefined ? cdm.collision_probability.toExponential(6) : 'none'}`,
    ],
    err: [],
  };
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
