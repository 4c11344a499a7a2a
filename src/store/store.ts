import type { CdmRecord, ManeuverRecord, ObjectRecord } from '../model/records.js';
import type { PeerPolicies } from '../protocol/policies.js';
import type { AuditStore } from './audit.js';
import type { ChangeLog, SubscriptionStore } from './changes.js';

export const CDM_SORT_FIELDS = ['created_at', 'tca', 'collision_probability', 'miss_distance_m'] as const;
export type CdmSortField = (typeof CDM_SORT_FIELDS)[number];

export interface Page {
  limit: number;
  offset: number;
}

export interface CdmQuery extends Page {
  object_id?: string;
  owner?: string;
  min_probability?: number;
  tca_from?: string;
  tca_to?: string;
  status: 'active' | 'withdrawn' | 'all';
  sort: { field: CdmSortField; descending: boolean };
}

export interface ObjectQuery extends Page {
  type?: string;
  owner?: string;
  status: 'active' | 'withdrawn' | 'all';
}

export interface ManeuverQuery extends Page {
  object_id?: string;
  status?: string;
}

export interface Paged<T> {
  items: T[];
  total: number;
}

/** A peer added at run time through the REST API (configured peers live in the configuration). */
export interface StoredPeer {
  peer_id: string;
  address: string;
  auth_token?: string;
  policies: PeerPolicies;
  added_at: string;
}

/**
 * The node's table. Reads and writes are synchronous so that a read-merge-write runs
 * without interleaving; `durable()` resolves once every write made so far is on stable
 * storage, and only then may a write be acknowledged.
 */
export interface Store {
  readonly kind: 'memory' | 'file';
  readonly audit: AuditStore;
  /** The ordered change log that the live stream and webhooks read (src/notify). */
  readonly changes: ChangeLog;
  readonly subscriptions: SubscriptionStore;

  getCdm(id: string): CdmRecord | undefined;
  putCdm(record: CdmRecord): void;
  queryCdms(query: CdmQuery): Paged<CdmRecord>;
  countActiveCdms(): number;
  activeCdmIdsForObject(objectId: string): string[];
  /** The CDMs (any status) between these two objects, in either order: one conjunction pair's records. */
  cdmsOfPair(object1Id: string, object2Id: string): CdmRecord[];

  getObject(id: string): ObjectRecord | undefined;
  putObject(record: ObjectRecord): void;
  queryObjects(query: ObjectQuery): Paged<ObjectRecord>;
  countActiveObjects(): number;

  getManeuver(id: string): ManeuverRecord | undefined;
  putManeuver(record: ManeuverRecord): void;
  queryManeuvers(query: ManeuverQuery): Paged<ManeuverRecord>;

  /** The keys of every record, oldest first (a full sync reads each record when its turn comes). */
  cdmIds(): string[];
  objectIds(): string[];
  maneuverIds(): string[];

  /**
   * Every record held when the iteration begins, in insertion order; streamed so that a
   * large table is not copied (records added meanwhile are not visited).
   */
  iterateCdms(): Iterable<CdmRecord>;
  iterateObjects(): Iterable<ObjectRecord>;
  iterateManeuvers(): Iterable<ManeuverRecord>;

  /** Active CDMs whose `tca` is before the given time (for TCA expiry), at most `limit`. */
  activeCdmsWithTcaBefore(time: string, limit: number): CdmRecord[];
  /** Deletes withdrawn CDMs last changed before the given time; returns how many. */
  purgeWithdrawnCdms(changedBefore: string): number;
  /** Deletes objects (active or withdrawn) last changed before the given time; returns how many. */
  purgeObjects(changedBefore: string): number;

  /**
   * The per-peer Adj-RIB-Out (PROTOCOL.md section 8): which records (`recordKey`, e.g.
   * `cdm:ID`) have been sent to which peer, kept with the table so that it survives
   * restarts. Every later change of a record sent to a peer goes to that peer too.
   */
  markSent(peerId: string, recordKey: string): void;
  wasSent(peerId: string, recordKey: string): boolean;
  /** Forgets everything sent to a peer (the peering was removed). */
  forgetSent(peerId: string): void;

  listPeers(): StoredPeer[];
  putPeer(peer: StoredPeer): void;
  deletePeer(id: string): boolean;

  durable(): Promise<void>;
  /** Why the last commit failed, until one succeeds again (health reports the store unwritable meanwhile). */
  lastWriteError(): Error | undefined;
  close(): Promise<void>;
}
