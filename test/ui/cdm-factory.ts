import type { Cdm } from '../../src/protocol/cdm.js';
import { isoFromNow } from '../helpers/clock.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';

const HOUR = 3_600_000;

export interface CdmSpec {
  id: string;
  /** OBJECT_DESIGNATORs and names of the pair. */
  a: string;
  b: string;
  names?: [string, string];
  owners?: [string, string];
  pc: number;
  missM?: number;
  /** TCA, hours from now. */
  tcaHours?: number;
  /** CREATION_DATE, hours before now. */
  createdHoursAgo?: number;
}

/** A CDM of the sample's content with the pair, Pc, miss distance and times of the spec, relative to now. */
export function cdmOf(spec: CdmSpec): Cdm {
  const base = sampleCdm();
  return {
    ...base,
    cdm_id: spec.id,
    creation_date: isoFromNow(-(spec.createdHoursAgo ?? 1) * HOUR),
    tca: isoFromNow((spec.tcaHours ?? 30) * HOUR),
    collision_probability: spec.pc,
    miss_distance_m: spec.missM ?? base.miss_distance_m,
    object1: { ...base.object1, object_id: spec.a, object_name: spec.names?.[0] ?? `SAT ${spec.a}`, owner_operator: spec.owners?.[0] ?? 'Alpha Orbital' },
    object2: { ...base.object2, object_id: spec.b, object_name: spec.names?.[1] ?? `DEB ${spec.b}`, owner_operator: spec.owners?.[1] ?? 'Beta Ops' },
  };
}

/** POSTs a CDM to a node with the write token; fails the test on anything but 201. */
export async function announce(node: TestNode, spec: CdmSpec): Promise<Cdm> {
  const body = cdmOf(spec);
  const res = await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body });
  if (res.status !== 201) throw new Error(`POST /cdm ${spec.id}: ${res.status} ${res.text}`);
  return body;
}
