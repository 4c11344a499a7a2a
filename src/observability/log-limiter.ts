/**
 * Lets one log line per key through every `intervalMs` and counts the ones held back, so
 * that a flood (refused authentications, queue overflows, a full disk) costs a line per
 * interval instead of a line per request. The line that passes reports how many were
 * held back since the last one.
 */
export class LogLimiter {
  private readonly state = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** `{ suppressed }` when a line may be written now (suppressed: lines held back since the last), undefined when it is held back. */
  take(key: string): { suppressed: number } | undefined {
    const now = this.now();
    const entry = this.state.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return undefined;
    }
    if (!entry && this.state.size >= this.maxKeys) this.forgetOldest();
    this.state.set(key, { at: now, suppressed: 0 });
    return { suppressed: entry?.suppressed ?? 0 };
  }

  private forgetOldest(): void {
    const oldest = this.state.keys().next();
    if (!oldest.done) this.state.delete(oldest.value);
  }
}
