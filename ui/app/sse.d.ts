// Types of sse.js for the unit tests (the page itself is plain ES modules).
export interface ParsedEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export class EventStreamParser {
  constructor(dispatch: (event: ParsedEvent) => void, retry: (ms: number) => void);
  push(text: string): void;
}

export function followStream(options: {
  path?: string;
  onEvent(change: { id: string | undefined; event: string; data: unknown }): void;
  onStatus(status: { state: string; lastEventId?: string; attempt: number; error?: string; retryMs?: number }): void;
}): { stop(): void };
