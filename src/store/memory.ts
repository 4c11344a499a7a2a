import { compareStrings } from '../model/canonical.js';
import type { CdmRecord, ManeuverRecord, ObjectRecord } from '../model/records.js';
import { compareTimestamps } from '../model/time.js';
import { MemoryAuditStore } from './audit.js';
import { MemoryChangeLog, MemorySubscriptionStore } from './changes.js';
import { cdmMatches, compareCdms } from './cdm-query.js';
import type { CdmQuery, ManeuverQuery, ObjectQuery, Page, Paged, Store, StoredPeer } from './store.js';

function active(record: { status: string } | undefined): number {
  return record?.status === 'active' ? 1 : 0;
}

function page<T>(items: T[], p: Page): Paged<T> {
  return { items: items.slice(p.offset, p.offset + p.limit), total: items.length };
}

/** The table in process memory: lost at exit, for development and tests. */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly audit = new MemoryAuditStore();
  readonly changes = new MemoryChangeLog();
  readonly subscriptions = new MemorySubscriptionStore();
  private readonly cdms = new Map<string, CdmRecord>();
  private readonly objects = new Map<string, ObjectRecord>();
  private readonly maneuvers = new Map<string, ManeuverRecord>();
  private readonly peers = new Map<string, StoredPeer>();
  private readonly sent = new Map<string, Set<string>>();
  /** Kept on every write, so that health checks and metrics scrapes do not walk the table. */
  private activeCdms = 0;
  private activeObjects = 0;

  getCdm(id: string): CdmRecord | undefined {
    return this.cdms.get(id);
  }

  putCdm(record: CdmRecord): void {
    this.activeCdms += active(record) - active(this.cdms.get(record.cdm_id));
    this.cdms.set(record.cdm_id, record);
  }

  queryCdms(query: CdmQuery): Paged<CdmRecord> {
    const matching = [...this.cdms.values()].filter((r) => cdmMatches(r, query));
    matching.sort((a, b) => compareCdms(a, b, query));
    return page(matching, query);
  }

  countActiveCdms(): number {
    return this.activeCdms;
  }

  activeCdmIdsForObject(objectId: string): string[] {
    const ids: string[] = [];
    for (const r of this.cdms.values()) {
      const cdm = r.announce?.payload.cdm;
      if (r.status === 'active' && cdm && (cdm.object1.object_id === objectId || cdm.object2.object_id === objectId)) ids.push(r.cdm_id);
    }
    return ids.sort(compareStrings);
  }

  cdmsOfPair(object1Id: string, object2Id: string): CdmRecord[] {
    const out: CdmRecord[] = [];
    for (const r of this.cdms.values()) {
      const cdm = r.announce?.payload.cdm;
      if (!cdm) continue;
      const [a, b] = [cdm.object1.object_id, cdm.object2.object_id];
      if ((a === object1Id && b === object2Id) || (a === object2Id && b === object1Id)) out.push(r);
    }
    return out;
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
    return [...this.cdms.keys()];
  }

  objectIds(): string[] {
    return [...this.objects.keys()];
  }

  maneuverIds(): string[] {
    return [...this.maneuvers.keys()];
  }

  iterateCdms(): Iterable<CdmRecord> {
    return [...this.cdms.values()];
  }

  iterateObjects(): Iterable<ObjectRecord> {
    return [...this.objects.values()];
  }

  iterateManeuvers(): Iterable<ManeuverRecord> {
    return [...this.maneuvers.values()];
  }

  activeCdmsWithTcaBefore(time: string, limit: number): CdmRecord[] {
    const out: CdmRecord[] = [];
    for (const r of this.cdms.values()) {
      if (out.length >= limit) break;
      const tca = r.announce?.payload.cdm.tca;
      if (r.status === 'active' && tca !== undefined && compareTimestamps(tca, time) < 0) out.push(r);
    }
    return out;
  }

  purgeWithdrawnCdms(changedBefore: string): number {
    let n = 0;
    for (const [id, r] of this.cdms) {
      if (r.status === 'withdrawn' && compareTimestamps(r.received_at, changedBefore) < 0) {
        this.cdms.delete(id);
        this.unmarkEverywhere(`cdm:${id}`);
        n++;
      }
    }
    return n;
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
