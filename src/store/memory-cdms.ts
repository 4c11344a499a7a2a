import { compareStrings } from '../model/canonical.js';
import type { CdmRecord } from '../model/records.js';
import { compareTimestamps, timestampKey } from '../model/time.js';
import { cdmListFacts, compareFacts, factsMatch, type CdmListFacts } from './cdm-query.js';
import { packJson, unpackJson, type Packed } from './packed.js';
import type { CdmQuery, Paged } from './store.js';

/**
 * One held CDM: the record once, packed (`packJson`), and the few facts that lists, counts
 * and pair lookups need as plain values. Nothing else of the record is kept, so a CDM
 * costs its compressed JSON plus about 250 bytes, instead of its parsed object graph.
 */
interface CdmEntry extends CdmListFacts {
  readonly packed: Packed;
}

function recordOf(entry: CdmEntry): CdmRecord {
  return unpackJson<CdmRecord>(entry.packed);
}

/** Whether the CDM is between these two objects, in either order. */
function ofPair(entry: CdmEntry, a: string, b: string): boolean {
  return (entry.object1Id === a && entry.object2Id === b) || (entry.object1Id === b && entry.object2Id === a);
}

/**
 * The CDM part of the memory store. A put packs the record; a get parses it again, so a
 * reader gets its own copy (as from the file store) and what was put reads back equal.
 * Queries look at the entries' facts only and parse just the page they return.
 */
export class MemoryCdmTable {
  private readonly entries = new Map<string, CdmEntry>();
  /** Operator names, one string each however many CDMs name them (a few per operator). */
  private readonly owners = new Map<string, string>();
  private active = 0;

  private readonly intern = (text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    const held = this.owners.get(text);
    if (held !== undefined) return held;
    this.owners.set(text, text);
    return text;
  };

  get(id: string): CdmRecord | undefined {
    const entry = this.entries.get(id);
    return entry && recordOf(entry);
  }

  put(record: CdmRecord): void {
    const facts = cdmListFacts(record);
    const entry: CdmEntry = { ...facts, owner1: this.intern(facts.owner1), owner2: this.intern(facts.owner2), packed: packJson(record) };
    const held = this.entries.get(record.cdm_id);
    this.active += (entry.status === 'active' ? 1 : 0) - (held?.status === 'active' ? 1 : 0);
    this.entries.set(entry.cdm_id, entry);
  }

  query(query: CdmQuery): Paged<CdmRecord> {
    const matching: CdmEntry[] = [];
    for (const entry of this.entries.values()) if (factsMatch(entry, query)) matching.push(entry);
    matching.sort((a, b) => compareFacts(a, b, query));
    const page = matching.slice(query.offset, query.offset + query.limit);
    return { items: page.map(recordOf), total: matching.length };
  }

  countActive(): number {
    return this.active;
  }

  activeIdsForObject(objectId: string): string[] {
    const ids: string[] = [];
    for (const e of this.entries.values()) if (e.status === 'active' && (e.object1Id === objectId || e.object2Id === objectId)) ids.push(e.cdm_id);
    return ids.sort(compareStrings);
  }

  ofPair(object1Id: string, object2Id: string): CdmRecord[] {
    const out: CdmRecord[] = [];
    for (const e of this.entries.values()) if (e.hasBody && ofPair(e, object1Id, object2Id)) out.push(recordOf(e));
    return out;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Every record held now, each parsed when its turn comes. */
  iterate(): Iterable<CdmRecord> {
    const held = [...this.entries.values()];
    return {
      *[Symbol.iterator]() {
        for (const entry of held) yield recordOf(entry);
      },
    };
  }

  activeWithTcaBefore(time: string, limit: number): CdmRecord[] {
    const before = timestampKey(time);
    const out: CdmRecord[] = [];
    for (const e of this.entries.values()) {
      if (out.length >= limit) break;
      if (e.status === 'active' && e.tcaKey !== undefined && e.tcaKey < before) out.push(recordOf(e));
    }
    return out;
  }

  /** Deletes withdrawn CDMs last changed before the time; returns their ids. */
  purgeWithdrawn(changedBefore: string): string[] {
    const gone: string[] = [];
    for (const [id, e] of this.entries) {
      // Only withdrawn records are parsed, for their `received_at`.
      if (e.status === 'withdrawn' && compareTimestamps(recordOf(e).received_at, changedBefore) < 0) gone.push(id);
    }
    for (const id of gone) this.entries.delete(id);
    return gone;
  }
}
