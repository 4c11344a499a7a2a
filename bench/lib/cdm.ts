import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

/** Target size of one CDM as JSON (a real CCSDS CDM with covariance is about this size). */
export const CDM_BYTES = 2500;
const ID = '__BENCH_ID__';

type Json = Record<string, unknown>;

/**
 * The sample CDM of the test fixtures, with a TCA in the future and padded by an unknown
 * field to ~2.5 KB. Each CDM is about another secondary object (`DEB-<id>`), as on a real
 * network, where a close approach gathers tens of CDMs, not the whole load.
 */
export function paddedCdm(cdmId: string, now = new Date()): Json {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/json/cdm-announce.json'), 'utf8')) as { payload: { cdm: Json } };
  const cdm: Json = {
    ...fixture.payload.cdm,
    object2: { ...(fixture.payload.cdm.object2 as Json), object_id: `DEB-${cdmId}` },
    cdm_id: cdmId,
    creation_date: now.toISOString(),
    tca: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
  };
  const size = JSON.stringify({ ...cdm, bench_padding: '' }).length;
  return { ...cdm, bench_padding: 'x'.repeat(Math.max(0, CDM_BYTES - size)) };
}

export function cdmAnnounce(cdm: Json, messageId: string, sourceNode: string, now = new Date()): Json {
  return {
    protocol_version: '1.0',
    message_id: messageId,
    timestamp: now.toISOString(),
    source_node_id: sourceNode,
    message_type: 'CDM_ANNOUNCE',
    hop_count: 0,
    ttl: 10,
    path: [sourceNode],
    payload: { cdm },
  };
}

export function helloMessage(sourceNode: string, messageId: string, authToken: string): Json {
  return {
    protocol_version: '1.0',
    message_id: messageId,
    timestamp: new Date().toISOString(),
    source_node_id: sourceNode,
    message_type: 'HELLO',
    hop_count: 0,
    ttl: 1,
    path: [sourceNode],
    payload: { node_name: sourceNode, capabilities: ['CDM'], supported_versions: ['1.0', '1.1'], features: ['BATCH'], auth_token: authToken },
  };
}

/** A JSON text split around its ids, so that a unique body per request costs one string concat. */
export class BodyTemplate {
  private readonly parts: string[];

  constructor(json: Json) {
    this.parts = JSON.stringify(json).split(ID);
  }

  /** Every occurrence of the placeholder id gets `id`. */
  with(id: string): string {
    return this.parts.join(id);
  }

  static placeholder = ID;
}

/** Body of `POST /cdm`: the padded CDM with the placeholder id. */
export function cdmTemplate(): BodyTemplate {
  return new BodyTemplate(paddedCdm(ID));
}

/** Body of a peer `POST /spacecomms/v1/messages`: a CDM_ANNOUNCE whose message and CDM ids are the placeholder. */
export function announceTemplate(sourceNode: string): BodyTemplate {
  return new BodyTemplate(cdmAnnounce(paddedCdm(`CDM-${ID}`), `msg-${ID}`, sourceNode));
}

/** Messages in one batch of the peer-ingest scenario (PROTOCOL.md section 11). */
export const BATCH_SIZE = 50;
