import type { Envelope } from '../protocol/envelope.js';
import type { ManeuverStatus } from '../protocol/messages.js';
import { canonicalJson, compareStrings } from './canonical.js';
import type { CdmRecord, ManeuverRecord, Merged, MergeOutcome, ObjectRecord, Provenance } from './records.js';
import { compareTimestamps } from './time.js';

/**
 * The merge rules of PROTOCOL.md section 7. Every function is a join: applying the same
 * set of messages in any order yields the same record content.
 */

type Register<T> = { time: string; payload: T };

/** Later time wins; equal times: the larger canonical JSON wins. 0 means identical. */
function compareRegisters<T>(a: Register<T>, b: Register<T>): number {
  const byTime = compareTimestamps(a.time, b.time);
  if (byTime !== 0) return byTime;
  return compareStrings(canonicalJson(a.payload), canonicalJson(b.payload));
}

/** Decides a register write: the outcome and whether the incoming value replaces the held one. */
function registerOutcome<T>(held: Register<T> | undefined, incoming: Register<T>): MergeOutcome {
  if (!held) return 'created';
  const order = compareRegisters(incoming, held);
  return order > 0 ? 'updated' : order === 0 ? 'unchanged' : 'stale';
}

function wrapOutcome(outcome: MergeOutcome, isNewRecord: boolean): MergeOutcome {
  if (outcome === 'created' && !isNewRecord) return 'updated';
  return outcome;
}

export function mergeCdmAnnounce(held: CdmRecord | undefined, msg: Envelope<'CDM_ANNOUNCE'>, meta: Provenance): Merged<CdmRecord | undefined> {
  const cdm = msg.payload.cdm;
  const outcome = registerOutcome(
    held?.announce && { time: held.announce.payload.cdm.creation_date, payload: held.announce.payload },
    { time: cdm.creation_date, payload: msg.payload },
  );
  if (outcome === 'unchanged' || outcome === 'stale') return { outcome, record: held };
  const record: CdmRecord = {
    cdm_id: cdm.cdm_id,
    status: held?.status ?? 'active',
    announce: msg,
    ...(held?.withdrawal ? { withdrawal: held.withdrawal } : {}),
    ...meta,
  };
  return { outcome: wrapOutcome(outcome, !held), record };
}

export function mergeCdmWithdraw(held: CdmRecord | undefined, msg: Envelope<'CDM_WITHDRAW'>, meta: Provenance): Merged<CdmRecord | undefined> {
  const outcome = registerOutcome(
    held?.withdrawal && { time: held.withdrawal.payload.effective_time, payload: held.withdrawal.payload },
    { time: msg.payload.effective_time, payload: msg.payload },
  );
  if (outcome === 'unchanged' || outcome === 'stale') return { outcome, record: held };
  const record: CdmRecord = {
    cdm_id: msg.payload.cdm_id,
    status: 'withdrawn',
    ...(held?.announce ? { announce: held.announce } : {}),
    withdrawal: msg,
    ...meta,
  };
  return { outcome: wrapOutcome(outcome, !held), record };
}

function objectStatus(announce: Envelope<'OBJECT_STATE_ANNOUNCE'> | undefined, withdrawal: Envelope<'OBJECT_STATE_WITHDRAW'> | undefined): ObjectRecord['status'] {
  if (!withdrawal) return 'active';
  if (!announce) return 'withdrawn';
  const order = compareRegisters(
    { time: withdrawal.payload.effective_time, payload: withdrawal.payload as unknown },
    { time: announce.payload.epoch, payload: announce.payload as unknown },
  );
  return order > 0 ? 'withdrawn' : 'active';
}

export function mergeObjectAnnounce(held: ObjectRecord | undefined, msg: Envelope<'OBJECT_STATE_ANNOUNCE'>, meta: Provenance): Merged<ObjectRecord | undefined> {
  const outcome = registerOutcome(
    held?.announce && { time: held.announce.payload.epoch, payload: held.announce.payload },
    { time: msg.payload.epoch, payload: msg.payload },
  );
  if (outcome === 'unchanged' || outcome === 'stale') return { outcome, record: held };
  const record: ObjectRecord = {
    object_id: msg.payload.object_id,
    status: objectStatus(msg, held?.withdrawal),
    announce: msg,
    ...(held?.withdrawal ? { withdrawal: held.withdrawal } : {}),
    ...meta,
  };
  return { outcome: wrapOutcome(outcome, !held), record };
}

export function mergeObjectWithdraw(held: ObjectRecord | undefined, msg: Envelope<'OBJECT_STATE_WITHDRAW'>, meta: Provenance): Merged<ObjectRecord | undefined> {
  const outcome = registerOutcome(
    held?.withdrawal && { time: held.withdrawal.payload.effective_time, payload: held.withdrawal.payload },
    { time: msg.payload.effective_time, payload: msg.payload },
  );
  if (outcome === 'unchanged' || outcome === 'stale') return { outcome, record: held };
  const record: ObjectRecord = {
    object_id: msg.payload.object_id,
    status: objectStatus(held?.announce, msg),
    ...(held?.announce ? { announce: held.announce } : {}),
    withdrawal: msg,
    ...meta,
  };
  return { outcome: wrapOutcome(outcome, !held), record };
}

/** PLANNED < IN_PROGRESS < COMPLETED | CANCELLED | FAILED. */
export function maneuverStatusRank(status: ManeuverStatus): number {
  return status === 'PLANNED' ? 0 : status === 'IN_PROGRESS' ? 1 : 2;
}

export function mergeManeuverIntent(held: ManeuverRecord | undefined, msg: Envelope<'MANEUVER_INTENT'>, meta: Provenance): Merged<ManeuverRecord | undefined> {
  const outcome = registerOutcome(
    held?.intent && { time: held.intent.timestamp, payload: held.intent.payload },
    { time: msg.timestamp, payload: msg.payload },
  );
  if (outcome === 'unchanged' || outcome === 'stale') return { outcome, record: held };
  const record: ManeuverRecord = {
    maneuver_id: msg.payload.maneuver_id,
    object_id: msg.payload.object_id,
    status: held?.status ?? 'PLANNED',
    intent: msg,
    ...(held?.status_update ? { status_update: held.status_update } : {}),
    ...meta,
  };
  return { outcome: wrapOutcome(outcome, !held), record };
}

export function mergeManeuverStatus(held: ManeuverRecord | undefined, msg: Envelope<'MANEUVER_STATUS'>, meta: Provenance): Merged<ManeuverRecord | undefined> {
  const incoming = msg.payload;
  let outcome: MergeOutcome = 'created';
  if (held?.status_update) {
    const current = held.status_update.payload;
    const byRank = maneuverStatusRank(incoming.status) - maneuverStatusRank(current.status);
    const order = byRank !== 0 ? byRank : compareStrings(canonicalJson(incoming), canonicalJson(current));
    outcome = order > 0 ? 'updated' : order === 0 ? 'unchanged' : 'stale';
  }
  if (outcome === 'unchanged' || outcome === 'stale') return { outcome, record: held };
  const record: ManeuverRecord = {
    maneuver_id: incoming.maneuver_id,
    object_id: held?.intent?.payload.object_id ?? incoming.object_id,
    status: incoming.status,
    ...(held?.intent ? { intent: held.intent } : {}),
    status_update: msg,
    ...meta,
  };
  return { outcome: wrapOutcome(outcome, !held), record };
}
