// Types of format.js for the unit tests (the page itself is plain ES modules).
export interface RiskFields {
  pc?: number | null;
  tca: string;
}

export function byRisk(a: RiskFields, b: RiskFields): number;
export function sortByRisk<T extends RiskFields>(events: T[]): T[];
export function countdown(iso: string, now: number): string;
export function formatPc(pc: number | null | undefined): string;
