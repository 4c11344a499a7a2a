import type { CdmObject } from '../protocol/cdm.js';
import type { PeerPolicies, PolicyFilter } from '../protocol/policies.js';
import type { Store } from '../store/store.js';
import type { TableMessage } from './table.js';

export type Family = 'cdm' | 'object_state' | 'maneuver';

export function familyOf(message: TableMessage): Family {
  if (message.message_type.startsWith('CDM_')) return 'cdm';
  if (message.message_type.startsWith('OBJECT_STATE_')) return 'object_state';
  return 'maneuver';
}

/** The HELLO capability (PROTOCOL.md section 4) that names each family. */
export const CAPABILITY_OF: Record<Family, 'CDM' | 'OBJECT_STATE' | 'MANEUVER'> = { cdm: 'CDM', object_state: 'OBJECT_STATE', maneuver: 'MANEUVER' };

/** The key of the record a message is about, as the Adj-RIB-Out keeps it: `cdm:ID`, `object:ID`, `maneuver:ID`. */
export function recordKey(message: TableMessage): string {
  switch (message.message_type) {
    case 'CDM_ANNOUNCE':
      return `cdm:${message.payload.cdm.cdm_id}`;
    case 'CDM_WITHDRAW':
      return `cdm:${message.payload.cdm_id}`;
    case 'OBJECT_STATE_ANNOUNCE':
    case 'OBJECT_STATE_WITHDRAW':
      return `object:${message.payload.object_id}`;
    case 'MANEUVER_INTENT':
    case 'MANEUVER_STATUS':
      return `maneuver:${message.payload.maneuver_id}`;
  }
}

/** What filters are checked against: the record a message is about, as far as it is known. */
interface Subject {
  objectIds: string[];
  owners: string[];
  objectTypes: string[];
  probability?: number;
}

function cdmObjects(objects: CdmObject[]): Subject {
  return {
    objectIds: objects.map((o) => o.object_id),
    owners: objects.flatMap((o) => (o.owner_operator !== undefined ? [o.owner_operator] : [])),
    objectTypes: objects.map((o) => o.object_type),
  };
}

/** A withdrawal names only an id: its subject is the record held under that id, if any. */
function subjectOf(message: TableMessage, store: Store): Subject | undefined {
  switch (message.message_type) {
    case 'CDM_ANNOUNCE': {
      const cdm = message.payload.cdm;
      return { ...cdmObjects([cdm.object1, cdm.object2]), probability: cdm.collision_probability };
    }
    case 'CDM_WITHDRAW': {
      const cdm = store.getCdm(message.payload.cdm_id)?.announce?.payload.cdm;
      return cdm ? { ...cdmObjects([cdm.object1, cdm.object2]), probability: cdm.collision_probability } : undefined;
    }
    case 'OBJECT_STATE_ANNOUNCE':
      return objectSubject(message.payload);
    case 'OBJECT_STATE_WITHDRAW': {
      const state = store.getObject(message.payload.object_id)?.announce?.payload;
      return state ? objectSubject(state) : { objectIds: [message.payload.object_id], owners: [], objectTypes: [] };
    }
    case 'MANEUVER_INTENT':
    case 'MANEUVER_STATUS': {
      const state = store.getObject(message.payload.object_id)?.announce?.payload;
      return state ? objectSubject(state) : { objectIds: [message.payload.object_id], owners: [], objectTypes: [] };
    }
  }
}

function objectSubject(state: { object_id: string; owner_operator?: string; object_type: string }): Subject {
  return { objectIds: [state.object_id], owners: state.owner_operator !== undefined ? [state.owner_operator] : [], objectTypes: [state.object_type] };
}

function filterMatches(filter: PolicyFilter, subject: Subject): boolean {
  const values = filter.values.map(String);
  switch (filter.type) {
    case 'object_id':
      return subject.objectIds.some((id) => values.includes(id));
    case 'object_owner':
      return subject.owners.some((owner) => values.includes(owner));
    case 'object_type':
      return subject.objectTypes.some((type) => values.includes(type));
    case 'min_collision_probability': {
      if (subject.probability === undefined) return true;
      const threshold = Math.min(...filter.values.map(Number));
      return subject.probability >= threshold;
    }
  }
}

export type PolicyVerdict = { pass: true } | { pass: false; reason: string };

/** A peer as export sees it: its policies and the families it listed in HELLO (absent: all). */
export interface ExportTarget {
  peer_id: string;
  policies: PeerPolicies;
  capabilities?: readonly string[];
}

/**
 * Section 8 export with the Adj-RIB-Out: a family the peer did not list in HELLO never
 * goes; a record already sent to the peer always goes (every later change reaches it,
 * whatever the policy now says); otherwise the export policy decides.
 */
export function checkExport(peer: ExportTarget, message: TableMessage, store: Store): PolicyVerdict {
  const capability = CAPABILITY_OF[familyOf(message)];
  if (peer.capabilities && !peer.capabilities.includes(capability)) return { pass: false, reason: `peer did not list ${capability} in HELLO` };
  if (store.wasSent(peer.peer_id, recordKey(message))) return { pass: true };
  return checkPolicy('forward', peer.policies, message, store);
}

/**
 * Section 8: the family switch, then every filter. A record whose subject is unknown
 * (a withdrawal of something never held) passes, so that withdrawals are never lost.
 */
export function checkPolicy(direction: 'accept' | 'forward', policies: PeerPolicies, message: TableMessage, store: Store): PolicyVerdict {
  const family = familyOf(message);
  if (!policies[`${direction}_${family}`]) return { pass: false, reason: `${direction}_${family} is false` };
  if (policies.filters.length === 0) return { pass: true };
  const subject = subjectOf(message, store);
  if (!subject) return { pass: true };
  for (const filter of policies.filters) {
    if (!filterMatches(filter, subject)) return { pass: false, reason: `filter ${filter.type} does not match` };
  }
  return { pass: true };
}

/**
 * Whether a policy change may let through records the old policy stopped, in one
 * direction: a family switched on, or a filter removed or changed (adding a filter only
 * narrows). PROTOCOL.md section 8: a widened export policy sends the peer what now passes;
 * a widened import policy asks the peer for its table again.
 */
export function policyWidened(direction: 'accept' | 'forward', before: PeerPolicies, after: PeerPolicies): boolean {
  const families: Family[] = ['cdm', 'object_state', 'maneuver'];
  if (families.some((f) => !before[`${direction}_${f}`] && after[`${direction}_${f}`])) return true;
  const kept = new Set(after.filters.map((f) => JSON.stringify(f)));
  return before.filters.some((f) => !kept.has(JSON.stringify(f)));
}
