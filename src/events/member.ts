import { createHash } from 'node:crypto';
import type { CdmRecord } from '../model/records.js';
import { compareStrings } from '../model/canonical.js';
import { timestampKey } from '../model/time.js';
import { parseUtcTime, utcTimeNanos } from '../protocol/time.js';

/** What the event rules need of one CDM record (tombstones without content belong to no event). */
export interface EventMember {
  cdm_id: string;
  /** The unordered object pair, as `low\nhigh` of the two OBJECT_DESIGNATORs. */
  pair: string;
  object1_id: string;
  object2_id: string;
  /** The CDM's OBJECT_NAMEs (CCSDS 508.0 3.5.1), for people. */
  object1_name?: string;
  object2_name?: string;
  owners: string[];
  tca: string;
  /**
   * TCA as elapsed nanoseconds (`utcNanos`: leap seconds count as real seconds, digits
   * beyond the nanosecond dropped), for the 20-minute rule. Not JSON: never serialise a member whole.
   */
  tca_ns: bigint;
  /** `timestampKey` of the TCA: orders TCAs exactly (to the nanosecond, leap seconds in place). */
  tca_key: string;
  creation_date: string;
  /** `timestampKey` of the creation date. */
  creation_key: string;
  originator?: string;
  status: 'active' | 'withdrawn';
  withdrawn_at?: string;
  conjunction_id?: string;
  miss_distance_m: number;
  given_pc?: number;
  computed_pc?: number;
  received_at: string;
  /** The later of the creation date and the withdrawal time (`updated_at`), and its `timestampKey`. */
  changed_at: string;
  changed_key: string;
}

/** The unordered pair key of two object designators. */
export function pairKey(a: string, b: string): string {
  return compareStrings(a, b) <= 0 ? `${a}\n${b}` : `${b}\n${a}`;
}

/** The CCSDS CONJUNCTION_ID kept in the record's `ccsds` block (CCSDS 508.0 B-2, relative metadata), if any. */
function conjunctionId(record: CdmRecord): string | undefined {
  const ccsds: unknown = (record.announce?.payload.cdm as { ccsds?: unknown } | undefined)?.ccsds;
  if (typeof ccsds !== 'object' || ccsds === null) return undefined;
  for (const section of ['relative', 'header'] as const) {
    const values: unknown = (ccsds as Record<string, unknown>)[section];
    const id: unknown = typeof values === 'object' && values !== null ? (values as Record<string, unknown>).CONJUNCTION_ID : undefined;
    if ((typeof id === 'string' && id.trim() !== '') || typeof id === 'number') return String(id).trim();
  }
  return undefined;
}

/** The event rules' view of a record; undefined for a withdrawal whose announce was never seen. */
export function memberOf(record: CdmRecord): EventMember | undefined {
  const cdm = record.announce?.payload.cdm;
  if (!cdm) return undefined;
  const owners = [cdm.object1.owner_operator, cdm.object2.owner_operator].filter((o): o is string => o !== undefined);
  const conjunction = conjunctionId(record);
  const tca = parseUtcTime(cdm.tca);
  const creationKey = timestampKey(cdm.creation_date);
  const withdrawnAt = record.withdrawal?.payload.effective_time;
  const withdrawnKey = withdrawnAt === undefined ? undefined : timestampKey(withdrawnAt);
  const withdrawnLater = withdrawnAt !== undefined && withdrawnKey !== undefined && withdrawnKey > creationKey;
  return {
    cdm_id: record.cdm_id,
    pair: pairKey(cdm.object1.object_id, cdm.object2.object_id),
    object1_id: cdm.object1.object_id,
    object2_id: cdm.object2.object_id,
    ...(cdm.object1.object_name ? { object1_name: cdm.object1.object_name } : {}),
    ...(cdm.object2.object_name ? { object2_name: cdm.object2.object_name } : {}),
    owners,
    tca: cdm.tca,
    // Validation refuses a TCA that is not a UTC time, so the fallbacks are never used.
    tca_ns: tca ? utcTimeNanos(tca) : 0n,
    tca_key: tca?.key ?? cdm.tca,
    creation_date: cdm.creation_date,
    creation_key: creationKey,
    ...(cdm.originator !== undefined ? { originator: cdm.originator } : {}),
    status: record.status,
    ...(record.withdrawal ? { withdrawn_at: record.withdrawal.payload.effective_time } : {}),
    ...(conjunction !== undefined ? { conjunction_id: conjunction } : {}),
    miss_distance_m: cdm.miss_distance_m,
    ...(cdm.collision_probability !== undefined ? { given_pc: cdm.collision_probability } : {}),
    ...(record.computed_pc ? { computed_pc: record.computed_pc.value } : {}),
    received_at: record.received_at,
    changed_at: withdrawnLater ? withdrawnAt : cdm.creation_date,
    changed_key: withdrawnLater ? withdrawnKey : creationKey,
  };
}

/** Orders members by creation date, then cdm_id: the same order on every node. */
export function byCreation(a: EventMember, b: EventMember): number {
  return a.creation_key < b.creation_key ? -1 : a.creation_key > b.creation_key ? 1 : compareStrings(a.cdm_id, b.cdm_id);
}

/** Orders members by TCA (exactly, `tca_key`), then cdm_id: the same order on every node. */
export function byTca(a: EventMember, b: EventMember): number {
  return a.tca_key < b.tca_key ? -1 : a.tca_key > b.tca_key ? 1 : compareStrings(a.cdm_id, b.cdm_id);
}

/** The event id of the event whose first CDM (`byCreation`) is this one. */
export function eventIdOfFirst(first: Pick<EventMember, 'pair' | 'cdm_id'> | undefined): string {
  const digest = createHash('sha256').update(`${first?.pair ?? ''}\n${first?.cdm_id ?? ''}`, 'utf8').digest('hex');
  return `EVT-${digest.slice(0, 20)}`;
}

/**
 * The event's id: `EVT-` and 20 hex digits of SHA-256 over the object pair and the cdm_id of
 * the event's first CDM (earliest creation date, then smallest cdm_id). A function of the
 * event's CDM set alone, so every node that holds the same CDMs names the event alike; it
 * stays the same as later CDMs of the event arrive (unlike the earliest TCA, which a
 * refined TCA would move).
 */
export function eventIdOf(members: readonly EventMember[]): string {
  let first: EventMember | undefined;
  for (const m of members) if (first === undefined || byCreation(m, first) < 0) first = m;
  return eventIdOfFirst(first);
}
