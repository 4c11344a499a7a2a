// The page's live picture of the active conjunction events, fed by the change stream.
// Changes are queued as they arrive and applied together in the next animation frame, at
// most once per `FLUSH_INTERVAL_MS`, so that a burst of changes costs a few renders a
// second, not one per change or per frame; a change is on screen within about that interval.

/** Shortest time (ms) between two batches of changes. */
export const FLUSH_INTERVAL_MS = 100;
/** Whether the page draws frames: a hidden tab draws none, so its changes are applied on the timer instead and do not pile up. */
const drawing = () => typeof requestAnimationFrame === 'function' && !document.hidden;

export class LiveState {
  constructor() {
    /** Active events by event_id, as GET /events lists them (plus `owners`). */
    this.events = new Map();
    /** Owners told by `cdm` changes, for events whose `event` change carries none. */
    this.owners = new Map();
    this.queue = [];
    this.listeners = new Set();
    this.scheduled = false;
    this.version = 0;
    this.received = 0;
    this.lastSeq = undefined;
    /** performance.now() of the last batch. */
    this.flushedAt = -Infinity;
    /** While a list is on its way: the changes applied meanwhile, applied again over the list. */
    this.sinceLoad = undefined;
  }

  /** `listener({kinds, eventIds})` after each batch; returns the unsubscribe function. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A list was asked for (the stream being open already). The changes applied until it comes
   * may be newer than the list: `load` applies them again over it, in their order, so that
   * each event ends in its latest state (an `event` change carries the whole event).
   */
  beginLoad() {
    this.sinceLoad = [];
  }

  /** The list asked for will not come. */
  loadFailed() {
    this.sinceLoad = undefined;
  }

  /** Replaces the events with a fresh list (first load, or after a `reset`). */
  load(events) {
    this.events.clear();
    for (const e of events) this.events.set(e.event_id, e);
    const since = this.sinceLoad ?? [];
    this.sinceLoad = undefined;
    const kinds = new Set(['load']);
    const eventIds = new Set();
    for (const change of since) this.apply(change, kinds, eventIds);
    this.emit(kinds, eventIds);
  }

  /** One change from the stream: `{event, data}` as sent by GET /events/stream. */
  push(change) {
    this.queue.push(change);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, this.flushedAt + FLUSH_INTERVAL_MS - performance.now());
    setTimeout(() => (drawing() ? requestAnimationFrame(() => this.flush()) : this.flush()), wait);
  }

  flush() {
    this.scheduled = false;
    this.flushedAt = performance.now();
    const batch = this.queue;
    this.queue = [];
    const kinds = new Set();
    const eventIds = new Set();
    for (const change of batch) this.apply(change, kinds, eventIds);
    this.received += batch.length;
    this.emit(kinds, eventIds);
  }

  apply(change, kinds, eventIds) {
    const { event: kind, data } = change;
    this.sinceLoad?.push(change);
    kinds.add(kind);
    if (typeof data.seq === 'number') this.lastSeq = data.seq;
    if (kind === 'event' && data.event) this.applyEvent(data.event, eventIds);
    else if (kind === 'cdm' && data.cdm) this.applyCdm(data.cdm, eventIds);
  }

  applyEvent(event, eventIds) {
    eventIds.add(event.event_id);
    const before = this.events.get(event.event_id);
    if (event.status === 'replaced' && event.replaced_by) this.inherit(event.replaced_by, before?.owners ?? this.owners.get(event.event_id) ?? [], eventIds);
    if (event.status !== 'active') {
      this.events.delete(event.event_id);
      return;
    }
    // `event` changes carry no owners: those known stay, those the stream's `cdm` changes told are added.
    const owners = union(event.owners, this.owners.get(event.event_id), before?.owners);
    this.events.set(event.event_id, { ...before, ...event, owners });
  }

  /** The owners of an event whose CDMs now belong to `eventId` (renamed or merged into it). */
  inherit(eventId, owners, eventIds) {
    this.owners.set(eventId, union(this.owners.get(eventId), owners));
    const event = this.events.get(eventId);
    if (event) {
      this.events.set(eventId, { ...event, owners: union(event.owners, owners) });
      eventIds.add(eventId);
    }
  }

  applyCdm(cdm, eventIds) {
    if (!cdm.event_id) return;
    eventIds.add(cdm.event_id);
    const owners = union(this.owners.get(cdm.event_id), cdm.owners);
    this.owners.set(cdm.event_id, owners);
    const event = this.events.get(cdm.event_id);
    if (event) this.events.set(cdm.event_id, { ...event, owners: union(event.owners, owners) });
  }

  emit(kinds, eventIds) {
    this.version += 1;
    for (const listener of this.listeners) listener({ kinds, eventIds });
  }
}

/** The sorted union of lists of owners (any may be undefined). */
function union(...lists) {
  return [...new Set(lists.flatMap((list) => list ?? []))].sort();
}
