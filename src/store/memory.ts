import { compareStrings } from '../model/canonical.js';
import type { CdmRecord, ManeuverRecord, ObjectRecord } from '../model/records.js';
import { compareTimestamps } from '../model/time.js';
import { MemoryAuditStore } from './audit.js';
import { MemoryChangeLog, MemorySubscriptionStore } from './changes.js';
import { MemoryCdmTable } from './memory-cdms.js';
import type { CdmQuery, ManeuverQuery, ObjectQuery, Page, Paged, Store, StoredPeer } from './store.js';

function active(record: { status: string } | undefined): number {
  return record?.status === 'active' ? 1 : 0;
}

function page<T>(items: T[], p: Page): Paged<T> {
  return { items: items.slice(p.offset, p.offset + p.limit), total: items.length };
}

/**
 * The table in process memory: lost at exit, for development and tests. CDMs, the bulk of
 * the table, are held packed (`MemoryCdmTable`); objects and maneuvers as put.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly audit = new MemoryAuditStore();
  readonly changes = new MemoryChangeLog();
  readonly subscriptions = new MemorySubscriptionStore();
  private readonly cdms = new MemoryCdmTable();
  private readonly objects = new Map<string, ObjectRecord>();
  private readonly maneuvers = new Map<string, ManeuverRecord>();
  private readonly peers = new Map<string, StoredPeer>();
  private readonly sent = new Map<string, Set<string>>();
  /** Kept on every write, so that health checks and metrics scrapes do not walk the table. */
  private activeObjects = 0;

  getCdm(id: string): CdmRecord | undefined {
    return this.cdms.get(id);
  }

  putCdm(record: CdmRecord): void {
    this.cdms.put(record);
  }

  queryCdms(query: CdmQuery): Paged<CdmRecord> {
    return this.cdms.query(query);
  }

  countActiveCdms(): number {
    return this.cdms.countActive();
  }

  activeCdmIdsForObject(objectId: string): string[] {
    return this.cdms.activeIdsForObject(objectId);
  }

  cdmsOfPair(object1Id: string, object2Id: string): CdmRecord[] {
    return this.cdms.ofPair(object1Id, object2Id);
  }

  getObject(id: string): ObjectRecord | undefined {
    return this.objects.get(id);
  }

  putObject(record: ObjectRecord): void {
    this.activeObjects += active(record) - active(this.objects.get(record.object_id));
    this.objects.set(record.object_id, record);
  }

  queryObjects(query: ObjectQuery): Paged<ObjectRecord> {
    const matching = [...this.objects.values()].filter((r) => {
      if (query.status !== 'all' && r.status !== query.status) return false;
      const state = r.announce?.payload;
      if (query.type !== undefined && state?.object_type !== query.type) return false;
      if (query.owner !== undefined && state?.owner_operator !== query.owner) return false;
      return true;
    });
    matching.sort((a, b) => compareStrings(a.object_id, b.object_id));
    return page(matching, query);
  }

  countActiveObjects(): number {
    return this.activeObjects;
  }

  getManeuver(id: string): ManeuverRecord | undefined {
    return this.maneuvers.get(id);
  }

  putManeuver(record: ManeuverRecord): void {
    this.maneuvers.set(record.maneuver_id, record);
  }

  queryManeuvers(query: ManeuverQuery): Paged<ManeuverRecord> {
    const matching = [...this.maneuvers.values()].filter(
      (r) => (query.object_id === undefined || r.object_id === query.object_id) && (query.status === undefined || r.status === query.status),
    );
    matching.sort((a, b) => compareStrings(a.maneuver_id, b.maneuver_id));
    return page(matching, query);
  }

  cdmIds(): string[] {
    return this.cdms.ids();
  }

  objectIds(): string[] {
    return [...this.objects.keys()];
  }

  maneuverIds(): string[] {
    return [...this.maneuvers.keys()];
  }

  iterateCdms(): Iterable<CdmRecord> {
    return this.cdms.iterate();
  }

  iterateObjects(): Iterable<ObjectRecord> {
    return [...this.objects.values()];
  }

  iterateManeuvers(): Iterable<ManeuverRecord> {
    return [...this.maneuvers.values()];
  }

  activeCdmsWithTcaBefore(time: string, limit: number): CdmRecord[] {
    return this.cdms.activeWithTcaBefore(time, limit);
  }

  purgeWithdrawnCdms(changedBefore: string): number {
    const gone = this.cdms.purgeWithdrawn(changedBefore);
    for (const id of gone) this.unmarkEverywhere(`cdm:${id}`);
    return gone.length;
  }

  purgeObjects(changedBefore: string): number {
    let n = 0;
    for (const [id, r] of this.objects) {
      if (compareTimestamps(r.received_at, changedBefore) < 0) {
        this.activeObjects -= active(r);
        this.objects.delete(id);
        this.unmarkEverywhere(`object:${id}`);
        n++;
      }
    }
    return n;
  }

  markSent(peerId: string, recordKey: string): void {
    let keys = this.sent.get(peerId);
    if (!keys) this.sent.set(peerId, (keys = new Set()));
    keys.add(recordKey);
  }

  wasSent(peerId: string, recordKey: string): boolean {
    return this.sent.get(peerId)?.has(recordKey) ?? false;
  }

  forgetSent(peerId: string): void {
    this.sent.delete(peerId);
  }

  private unmarkEverywhere(recordKey: string): void {
    for (const keys of this.sent.values()) keys.delete(recordKey);
  }

  listPeers(): StoredPeer[] {
    return [...this.peers.values()];
  }

  putPeer(peer: StoredPeer): void {
    this.peers.set(peer.peer_id, peer);
  }

  deletePeer(id: string): boolean {
    return this.peers.delete(id);
  }

  async durable(): Promise<void> {}

  lastWriteError(): Error | undefined {
    return undefined;
  }

  async close(): Promise<void> {}
}
