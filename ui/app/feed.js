// What keeps the page's picture of the events current: the change stream, and the list of
// active events loaded after the stream is open (again after a `reset`), so that no change
// between the two is missed. Started before the first render when the tab holds a token,
// so that the list is on its way while the page's modules finish and the token is checked.
import { allActiveEvents } from './api.js';
import { followStream } from './sse.js';

export class Feed {
  /** `live`: the LiveState the changes and the list go to. */
  constructor(live) {
    this.live = live;
    /** The stream's state as followStream reports it. */
    this.stream = { state: 'connecting' };
    /** Why the list could not be loaded, or ''. */
    this.loadError = '';
    /** How many times `stream` or `loadError` changed. */
    this.version = 0;
    this.listeners = new Set();
    this.follower = undefined;
    this.unsubscribe = undefined;
  }

  /** `listener()` when `stream` or `loadError` changed; returns the unsubscribe function. */
  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the stream, then loads the list; does nothing when started already. */
  start() {
    if (this.follower) return;
    this.loadError = '';
    this.unsubscribe = this.live.subscribe(({ kinds }) => kinds.has('reset') && this.reload());
    // The stream's request goes first, so that its starting point is not after the list's.
    this.follower = followStream({
      onEvent: (change) => this.live.push(change),
      onStatus: (s) => {
        this.set({ stream: s });
        // Nothing received before the drop: there is no change to resume after, so what
        // happened while the stream was down is read again from the list.
        if (s.state === 'resumed' && (s.lastEventId === undefined || s.lastEventId === null || s.lastEventId === '')) this.reload();
      },
    });
    this.reload();
  }

  stop() {
    this.follower?.stop();
    this.unsubscribe?.();
    this.follower = undefined;
    this.unsubscribe = undefined;
  }

  reload() {
    this.live.beginLoad();
    allActiveEvents().then(
      (events) => {
        performance.mark('spacecomms-events-fetched');
        this.live.load(events);
        this.set({ loadError: '' });
      },
      (err) => {
        this.live.loadFailed();
        this.set({ loadError: `Events could not be loaded: ${err.message}` });
      },
    );
  }

  set(changes) {
    Object.assign(this, changes);
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
