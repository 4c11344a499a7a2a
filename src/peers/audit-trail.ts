import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { Envelope } from '../protocol/envelope.js';
import type { AuditEntry, AuditStore, PeerEvent } from '../store/audit.js';

/** Now as ISO 8601 UTC with microseconds. */
export function microsecondTime(): string {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.floor((ms - whole) * 1000));
  return new Date(whole).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

type Outcome = Pick<AuditEntry, 'decision' | 'code' | 'reason' | 'forwarded_to' | 'signature'>;

/**
 * The audit trail of the peer protocol: every message received or sent, with its
 * envelope (a digest, not the payload), the neighbour and what became of it. Kept in the
 * store and, optionally, appended as JSON lines to a file for a SIEM.
 */
export class AuditTrail {
  constructor(
    private readonly store: AuditStore,
    private readonly options: () => { enabled: boolean; file?: string },
  ) {}

  received(peer: string, message: Envelope | Record<string, unknown> | undefined, outcome: Outcome): void {
    this.record('in', peer, message, outcome);
  }

  sent(peer: string, message: Envelope, outcome: Outcome): void {
    this.record('out', peer, message, outcome);
  }

  peerEvent(event: Omit<PeerEvent, 'time'>): void {
    if (!this.options().enabled) return;
    this.store.appendPeerEvent({ time: microsecondTime(), ...event });
  }

  private record(direction: 'in' | 'out', peer: string, message: Envelope | Record<string, unknown> | undefined, outcome: Outcome): void {
    const options = this.options();
    if (!options.enabled) return;
    const entry: AuditEntry = { time: microsecondTime(), direction, peer, ...envelopeFields(message), ...definedOnly(outcome) };
    this.store.append(entry);
    if (options.file) {
      try {
        appendFileSync(options.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      } catch {
        // The store holds the trail; a mirror that cannot be written must not stop the protocol.
      }
    }
  }
}

function envelopeFields(message: Envelope | Record<string, unknown> | undefined): Pick<AuditEntry, 'message_id' | 'message_type'> & Partial<AuditEntry> {
  const m = (message ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof m[key] === 'string' ? (m[key] as string) : undefined);
  const int = (key: string) => (typeof m[key] === 'number' ? (m[key] as number) : undefined);
  return definedOnly({
    message_id: text('message_id') ?? '-',
    message_type: text('message_type') ?? '-',
    source_node_id: text('source_node_id'),
    protocol_version: text('protocol_version'),
    timestamp: text('timestamp'),
    hop_count: int('hop_count'),
    ttl: int('ttl'),
    path: Array.isArray(m.path) ? (m.path as string[]) : undefined,
    payload_sha256: m.payload === undefined ? undefined : payloadDigest(m.payload),
  }) as Pick<AuditEntry, 'message_id' | 'message_type'> & Partial<AuditEntry>;
}

/**
 * Digests of payload objects already written to the trail. A relay records the same payload
 * object once received and once per peer it is sent to; payloads are never changed in place.
 */
const digests = new WeakMap<object, string>();

/** Hex SHA-256 of `JSON.stringify(payload)`. */
function payloadDigest(payload: unknown): string {
  const known = typeof payload === 'object' && payload !== null ? digests.get(payload) : undefined;
  if (known !== undefined) return known;
  const digest = createHash('sha256').update(JSON.stringify(payload)).digest('hex');
  if (typeof payload === 'object' && payload !== null) digests.set(payload, digest);
  return digest;
}

function definedOnly<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}
