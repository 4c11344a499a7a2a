import path from 'node:path';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { assessingStore } from '../../src/assessed-store.js';
import { recordingChanges } from '../../src/notify/recorder.js';
import type { NewChange, Subscription } from '../../src/store/changes.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { isoFromNow } from '../helpers/clock.js';
import { memoryKind, sqliteKind, tempDir } from './store-harness.js';
import { sampleCdmEnvelope } from '../helpers/fixtures.js';
import type { CdmRecord } from '../../src/model/records.js';

const kinds = [memoryKind(), sqliteKind()];
afterAll(() => kinds.forEach((k) => k.cleanup()));

const change = (time: string, n: number): NewChange => ({ type: 'peer', time, facts: {}, data: { n } });

describe.each(kinds)('the $name change log', (kind) => {
  it('numbers changes one by one and reads them back in order after a seq', async () => {
    const store = kind.open();
    const seqs = Array.from({ length: 10 }, (_, n) => store.changes.append(change(isoFromNow(0), n)));
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, k) => k + 1));
    expect(store.changes.after(4, 3).map((c) => [c.seq, c.data.n])).toEqual([[5, 4], [6, 5], [7, 6]]);
    expect(store.changes.after(10, 5)).toEqual([]);
    expect(store.changes.latest()).toBe(10);
    await store.close();
  });

  it('trims by age (sparing what is still needed) and by size, never reusing a number', async () => {
    const store = kind.open();
    for (let n = 0; n < 5; n++) store.changes.append(change(isoFromNow(-3_600_000), n));
    for (let n = 5; n < 10; n++) store.changes.append(change(isoFromNow(0), n));
    expect(store.changes.trim(isoFromNow(-60_000), 1000, 2)).toBe(2);
    expect(store.changes.oldest()).toBe(3);
    expect(store.changes.trim(isoFromNow(-60_000), 1000)).toBe(3);
    expect(store.changes.oldest()).toBe(6);
    expect(store.changes.trim(isoFromNow(-60_000), 2)).toBe(3);
    expect(store.changes.oldest()).toBe(9);
    expect(store.changes.trim(isoFromNow(60_000), 1000)).toBe(2);
    expect(store.changes.oldest()).toBeUndefined();
    expect(store.changes.latest()).toBe(10);
    expect(store.changes.append(change(isoFromNow(0), 10))).toBe(11);
    await store.close();
  });

  it('keeps subscriptions with their cursor', async () => {
    const store = kind.open();
    const sub: Subscription = {
      subscription_id: 'SUB-1',
      url: 'http://127.0.0.1:9/hook',
      filters: { types: ['cdm'] },
      created_at: isoFromNow(0),
      status: 'active',
      cursor: 4,
      attempts: 0,
      failing_since: null,
      last_error: null,
      last_delivered_at: null,
    };
    store.subscriptions.put(sub);
    store.subscriptions.put({ ...sub, cursor: 7 });
    expect(store.subscriptions.get('SUB-1')?.cursor).toBe(7);
    expect(store.subscriptions.list()).toHaveLength(1);
    expect(store.subscriptions.delete('SUB-1')).toBe(true);
    expect(store.subscriptions.get('SUB-1')).toBeUndefined();
    await store.close();
  });
});

describe('the file store change log', () => {
  it('writes a CDM and its changes in the same batch and keeps the numbering across a reopen', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data');
    const store = openSqliteStore(file);
    const assessed = assessingStore(store, () => ({ enabled: true, default_hbr_m: 20, disagreement_factor: 10 }));
    const appended: number[] = [];
    const recording = recordingChanges(assessed.store, assessed.events, { levels: () => [{ name: 'red', min_pc: 1e-4 }], now: () => new Date(), appended: (seq) => appended.push(seq) });
    const envelope = sampleCdmEnvelope();
    const record: CdmRecord = { cdm_id: envelope.payload.cdm.cdm_id, status: 'active', announce: envelope, received_from: 'self', received_at: isoFromNow(0) };
    recording.putCdm(record);
    // Both are in the batch that is still open: one COMMIT holds the CDM and its changes.
    expect(store.getCdm(record.cdm_id)).toBeDefined();
    expect(store.changes.after(0, 10).map((c) => c.type)).toEqual(['cdm', 'event']);
    expect(appended).toEqual([2]);
    await store.close();
    const reopened = openSqliteStore(file);
    expect(reopened.getCdm(record.cdm_id)?.cdm_id).toBe(record.cdm_id);
    expect(reopened.changes.latest()).toBe(2);
    expect(reopened.changes.append(change(isoFromNow(0), 0))).toBe(3);
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('event ids a write makes disappear', () => {
  it('an older CDM arriving late renames its event: the stream hears the old id replaced by the new', () => {
    const store = memoryKind().open();
    const assessed = assessingStore(store, () => ({ enabled: true, default_hbr_m: 20, disagreement_factor: 10 }));
    const recording = recordingChanges(assessed.store, assessed.events, { levels: () => [{ name: 'red', min_pc: 1e-4 }], now: () => new Date(), appended: () => undefined });
    const envelope = sampleCdmEnvelope();
    const put = (cdmId: string, creation: string) =>
      recording.putCdm({
        cdm_id: cdmId,
        status: 'active',
        announce: { ...envelope, payload: { cdm: { ...envelope.payload.cdm, cdm_id: cdmId, creation_date: creation } } },
        received_from: 'self',
        received_at: isoFromNow(0),
      });
    put('LATE-NEWER', isoFromNow(-60_000));
    const firstId = assessed.events.eventIdOfCdm('LATE-NEWER');
    const seen = store.changes.latest();
    put('LATE-OLDER', isoFromNow(-7_200_000));
    const secondId = assessed.events.eventIdOfCdm('LATE-OLDER');
    expect(secondId).not.toBe(firstId);
    expect(assessed.events.eventIdOfCdm('LATE-NEWER')).toBe(secondId);
    const events = store.changes.after(seen, 10).filter((c) => c.type === 'event').map((c) => (c.data as { event: { event_id: string; status: string; replaced_by?: string } }).event);
    expect(events).toContainEqual(expect.objectContaining({ event_id: secondId, status: 'active' }));
    expect(events).toContainEqual(expect.objectContaining({ event_id: firstId, status: 'replaced', replaced_by: secondId }));
  });
});
