// Types of live.js for the unit tests (the page itself is plain ES modules).
export const FLUSH_INTERVAL_MS: number;

export interface Change {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

export class LiveState {
  events: Map<string, Record<string, unknown>>;
  version: number;
  received: number;
  subscribe(listener: (batch: { kinds: Set<string>; eventIds: Set<string> }) => void): () => void;
  beginLoad(): void;
  loadFailed(): void;
  load(events: Record<string, unknown>[]): void;
  push(change: Change): void;
  flush(): void;
}
