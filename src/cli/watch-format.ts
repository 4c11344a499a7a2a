/**
 * One line per change for `spacecomms watch` (people), from the JSON of a stream event
 * (README, "Being told"). Pure.
 */

type Json = Record<string, unknown>;

const text = (value: unknown): string => (value === null || value === undefined ? '-' : String(value));
const pcText = (value: unknown): string => (typeof value === 'number' ? value.toExponential(2) : '-');

function cdmLine(d: Json): string {
  const c = (d.cdm ?? {}) as Json;
  return `cdm ${text(d.change)} ${text(c.cdm_id)} ${text(c.object1_id)} x ${text(c.object2_id)} tca ${text(c.tca)} pc ${pcText(c.collision_probability ?? c.computed_pc)} level ${text(c.level)} from ${text(c.source_node)}`;
}

function eventLine(d: Json): string {
  const e = (d.event ?? {}) as Json;
  if (e.status === 'replaced') return `event ${text(e.event_id)} ${text(e.object1_id)} x ${text(e.object2_id)} replaced by ${text(e.replaced_by)}`;
  const changed = d.level_changed as { from: string | null; to: string } | undefined;
  const crossing = changed ? ` LEVEL ${changed.from ?? 'new'} -> ${changed.to}` : '';
  return `event ${text(e.event_id)} ${text(e.object1_id)} x ${text(e.object2_id)} tca ${text(e.tca)} pc ${pcText(e.pc)} level ${text(e.level)} ${text(e.status)} cdms ${text(e.cdm_count)}${crossing}`;
}

function maneuverLine(d: Json): string {
  const m = (d.maneuver ?? {}) as Json;
  return `maneuver ${text(d.change)} ${text(m.maneuver_id)} object ${text(m.object_id)} status ${text(m.status)} from ${text(m.source_node)}`;
}

function peerLine(d: Json): string {
  const p = (d.peer ?? {}) as Json;
  return `peer ${text(p.peer_id)} ${text(p.status)}${p.reason !== undefined ? ` (${text(p.reason)})` : ''}`;
}

/** The line printed for one stream event of type `type` with JSON `data`. */
export function watchLine(type: string, data: Json): string {
  const time = text(data.time);
  switch (type) {
    case 'cdm':
      return `${time} ${cdmLine(data)}`;
    case 'event':
      return `${time} ${eventLine(data)}`;
    case 'maneuver':
      return `${time} ${maneuverLine(data)}`;
    case 'peer':
      return `${time} ${peerLine(data)}`;
    case 'reset':
      return `reset: changes after ${text(data.last_event_id)} are no longer kept by the node; list the current state with 'spacecomms events'`;
    default:
      return `${time} ${type} ${JSON.stringify(data)}`;
  }
}
