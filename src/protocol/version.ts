export interface ProtocolVersion {
  major: number;
  minor: number;
}

export function parseVersion(text: string): ProtocolVersion | undefined {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function formatVersion(v: ProtocolVersion): string {
  return `${v.major}.${v.minor}`;
}

export type Negotiation =
  | { ok: true; version: string }
  | { ok: false; ours: string[]; theirs: string[] };

/**
 * The highest MAJOR.MINOR both sides list. Within one MAJOR a lower MINOR is always
 * spoken too (PROTOCOL.md section 9), so a shared MAJOR is enough to agree.
 */
export function negotiateVersion(ours: readonly string[], theirs: readonly string[]): Negotiation {
  const mine = ours.map(parseVersion).filter((v): v is ProtocolVersion => v !== undefined);
  const other = theirs.map(parseVersion).filter((v): v is ProtocolVersion => v !== undefined);
  let best: ProtocolVersion | undefined;
  for (const a of mine) {
    for (const b of other) {
      if (a.major !== b.major) continue;
      const candidate = { major: a.major, minor: Math.min(a.minor, b.minor) };
      if (!best || candidate.major > best.major || (candidate.major === best.major && candidate.minor > best.minor)) {
        best = candidate;
      }
    }
  }
  if (best) return { ok: true, version: formatVersion(best) };
  return { ok: false, ours: [...ours], theirs: [...theirs] };
}
