// The page's live picture of the active conjunction events, fed by the change stream.
// Changes are queued as they arrive and applied together once per animation frame, so that
// a burst of changes costs one render, not one per change.

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
  }

  /** `listener({kinds, eventIds})` after each batch; returns the unsubscribe function. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the events with a fresh list (first load, or after a `reset`). */
  load(events) {
    this.events.clear();
    for (const e of events) this.events.set(e.event_id, e);
    this.emit(new Set(['load']), new Set());
  }

  /** One change from the stream: `{event, data}` as sent by GET /events/stream. */
  push(change) {
    this.queue.push(change);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => this.flush());
  }

  flush() {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const kinds = new Set();
    const eventIds = new Set();
    for (const change of batch) this.apply(change, kinds, eventIds);
    this.received += batch.length;
    this.emit(kinds, eventIds);
  }

  apply({ event: kind, data }, kinds, eventIds) {
    kinds.add(kind);
    if (typeof data.seq === 'number') this.lastSeq = data.seq;
    if (kind === 'event' && data.event) this.applyEvent(data.event, eventIds);
    else if (kind === 'cdm' && data.cdm) this.applyCdm(data.cdm, eventIds);
  }

  applyEvent(event, eventIds) {
    eventIds.add(event.event_id);
    if (event.status !== 'active') {
      this.events.delete(event.event_id);
      return;
    }
    const before = this.events.get(event.event_id);
    const owners = event.owners ?? this.owners.get(event.event_id) ?? before?.owners ?? [];
    this.events.set(event.event_id, { ...before, ...event, owners });
  }

  applyCdm(cdm, eventIds) {
    if (!cdm.event_id) return;
    eventIds.add(cdm.event_id);
    const known = this.owners.get(cdm.event_id) ?? [];
    const owners = [...new Set([...known, ...(cdm.owners ?? [])])].sort();
    this.owners.set(cdm.event_id, owners);
    const event = this.events.get(cdm.event_id);
    if (event) this.events.set(cdm.event_id, { ...event, owners: [...new Set([...(event.owners ?? []), ...owners])].sort() });
  }

  emit(kinds, eventIds) {
    this.version += 1;
    for (const listener of this.listeners) listener({ kinds, eventIds });
  }
}
