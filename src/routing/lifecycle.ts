import type { Store } from '../store/store.js';
import type { Router } from './router.js';

export interface RetentionRules {
  enabled: boolean;
  cdmRetentionHours: number;
  objectRetentionHours: number;
  auditRetentionHours: number;
}

export interface LifecycleReport {
  tca_expired: number;
  cdms_purged: number;
  objects_purged: number;
  audit_purged: number;
}

const HOUR_MS = 3_600_000;

/**
 * One pass of the data lifecycle: CDMs past their TCA are withdrawn; withdrawn CDMs and
 * stale objects past their retention are deleted (a tombstone must outlive any late
 * announce of its record, which is what the retention is sized for).
 */
export function runLifecycle(router: Router, store: Store, rules: RetentionRules, now: Date): LifecycleReport {
  const report: LifecycleReport = {
    tca_expired: router.expirePassedTcas(),
    cdms_purged: 0,
    objects_purged: 0,
    audit_purged: store.audit.purge(new Date(now.getTime() - rules.auditRetentionHours * HOUR_MS).toISOString()),
  };
  if (!rules.enabled) return report;
  report.cdms_purged = store.purgeWithdrawnCdms(new Date(now.getTime() - rules.cdmRetentionHours * HOUR_MS).toISOString());
  report.objects_purged = store.purgeObjects(new Date(now.getTime() - rules.objectRetentionHours * HOUR_MS).toISOString());
  return report;
}
