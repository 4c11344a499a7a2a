export interface BenchSettings {
  quick: boolean;
  /** autocannon duration of the ingest scenarios. */
  loadSeconds: number;
  /** Origination time of the propagation scenario. */
  propagationSeconds: number;
  propagationRate: number;
  /** The high-rate propagation scenario: CDMs a second, and for how long. */
  highRate: number;
  highRateSeconds: number;
  /** How long the propagation scenario waits for the last CDMs to arrive. */
  drainMs: number;
  /** CDMs in the store of the sync and size scenarios. */
  syncCdms: number;
  /** The sync is reported incomplete after this long. */
  syncTimeoutMs: number;
}

export function settingsFor(quick: boolean): BenchSettings {
  return quick
    ? { quick, loadSeconds: 5, propagationSeconds: 5, propagationRate: 200, highRate: 1000, highRateSeconds: 10, drainMs: 10_000, syncCdms: 20_000, syncTimeoutMs: 45_000 }
    : { quick, loadSeconds: 10, propagationSeconds: 15, propagationRate: 200, highRate: 1000, highRateSeconds: 30, drainMs: 20_000, syncCdms: 100_000, syncTimeoutMs: 300_000 };
}
