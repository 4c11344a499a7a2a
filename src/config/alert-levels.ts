import type { Config } from './schema.js';

/**
 * Level names the node gives itself (src/events/summary.ts: `green` below every configured
 * level, `unknown` without a Pc). Kept here as text so that configuration checking does not
 * depend on the event rules.
 */
const BUILT_IN_LEVELS = ['green', 'unknown'] as const;

/**
 * `alerts.levels` must name each level once, give each its own `min_pc` (two levels with one
 * threshold would make the level of an event depend on the list's order), and not reuse a
 * built-in name (a configured `green` could not be told from "below every level" in
 * `GET /events?level=green`). Names are compared without regard to case.
 */
export function alertLevelProblems(levels: Config['alerts']['levels']): string[] {
  const problems: string[] = [];
  const names = new Map<string, number>();
  const thresholds = new Map<number, number>();
  levels.forEach((level, i) => {
    const key = `alerts.levels[${i}]`;
    const name = level.name.toLowerCase();
    if ((BUILT_IN_LEVELS as readonly string[]).includes(name)) {
      problems.push(`${key}.name: "${level.name}" is a built-in level (green: below every configured level, unknown: no Pc); choose another name`);
    } else {
      const first = names.get(name);
      if (first !== undefined) problems.push(`${key}.name: duplicate level name "${level.name}" (also alerts.levels[${first}].name)`);
      else names.set(name, i);
    }
    const same = thresholds.get(level.min_pc);
    if (same !== undefined) problems.push(`${key}.min_pc: ${level.min_pc} is also the min_pc of alerts.levels[${same}]; each level needs its own threshold`);
    else thresholds.set(level.min_pc, i);
  });
  return problems;
}
