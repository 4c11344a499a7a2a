import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSpaceTrackCdmJson, parseCdmMessages, parseSpaceTrackCdms, type CcsdsBatch, type CcsdsError, type CcsdsResult } from '../../ccsds/index.js';
import type { Cdm } from '../../protocol/cdm.js';
import { validateCdm } from '../../protocol/validate.js';
import { isJsonRequest, jsonObjectBody } from '../body.js';
import type { ApiContext } from '../context.js';
import { ApiError, conflict, invalid, type ApiErrorBody } from '../errors.js';

/** A CDM of the request body, or why it cannot be one. */
type Candidate = { ok: true; cdm: Cdm } | { ok: false; error: ApiError };

/** The CDMs of a request; `single` keeps the one-CDM answer shape. */
interface RequestCdms {
  single: boolean;
  candidates: Candidate[];
}

/** One CDM's answer inside a multi-CDM response. */
interface ItemResult {
  index: number;
  http_status: number;
  cdm_id?: string;
  status: 'accepted' | 'unchanged' | 'refused';
  propagated_to?: string[];
  error?: ApiErrorBody;
}

function ccsdsInvalid(error: CcsdsError): ApiError {
  const { keyword, line, path, message } = error;
  return invalid(keyword, message, { format: 'ccsds', ...(line !== undefined ? { line } : {}), ...(path !== undefined ? { path } : {}) });
}

function checked(candidate: unknown): Candidate {
  const result = validateCdm(candidate);
  return result.ok ? { ok: true, cdm: result.value } : { ok: false, error: invalid(result.issue.field, result.issue.message) };
}

function fromResult(result: CcsdsResult): Candidate {
  return result.ok ? checked(result.cdm) : { ok: false, error: ccsdsInvalid(result.error) };
}

function fromBatch(batch: CcsdsBatch): RequestCdms {
  if (!batch.ok) throw ccsdsInvalid(batch.error);
  return { single: batch.results.length === 1, candidates: batch.results.map(fromResult) };
}

/** CCSDS by its media type, or KVN by its first keyword whatever the media type says (as `curl --data-binary` sends it). */
function isCcsdsRequest(request: FastifyRequest, body: string): boolean {
  const type = request.headers['content-type'] ?? '';
  if (/^(text\/plain|application\/xml|text\/xml)\b/i.test(type)) return true;
  return body.replace(/^\uFEFF/, '').trimStart().startsWith('CCSDS_CDM_VERS');
}

/**
 * The CDMs in a request: JSON (a CDM, or `{"cdm": CDM}`), Space-Track CDM JSON (an array of
 * records, recognised by its shape), or CCSDS text: one KVN or XML CDM, several KVN CDMs, or
 * an XML NDM holding `<cdm>` elements. Throws ApiError when the body as a whole is unusable.
 */
export function cdmsFromRequest(request: FastifyRequest): RequestCdms {
  if (typeof request.body === 'string' && !isJsonRequest(request)) {
    if (!isCcsdsRequest(request, request.body)) {
      throw new ApiError('unsupported_media_type', 'Send application/json, text/plain (CCSDS KVN) or application/xml (CCSDS XML)');
    }
    return fromBatch(parseCdmMessages(request.body));
  }
  if (isJsonRequest(request) && isSpaceTrackCdmJson(request.body)) {
    return fromBatch(parseSpaceTrackCdms(request.body));
  }
  const body = jsonObjectBody(request);
  const wrapped = body.cdm !== undefined && body.cdm_id === undefined;
  return { single: true, candidates: [checked(wrapped ? body.cdm : body)] };
}

type Ingested = { code: 200 | 201; body: { cdm_id: string; status: 'accepted' | 'unchanged'; propagated_to?: string[] } };

/** Originates one CDM announce; throws ApiError (409) when the table refuses it. */
function originate(ctx: ApiContext, cdm: Cdm): Ingested {
  const held = ctx.store.getCdm(cdm.cdm_id);
  if (held?.status === 'withdrawn') {
    throw conflict(`CDM ${cdm.cdm_id} was withdrawn (${held.withdrawal?.payload.reason ?? 'unknown reason'}); an announce cannot revive it`);
  }
  const result = ctx.router.originate('CDM_ANNOUNCE', { cdm });
  if (result.outcome === 'unchanged') return { code: 200, body: { cdm_id: cdm.cdm_id, status: 'unchanged' } };
  if (result.outcome === 'stale') {
    throw conflict(`CDM ${cdm.cdm_id} is already held with other content that is not older (creation_date ${held?.announce?.payload.cdm.creation_date ?? '?'})`);
  }
  return { code: 201, body: { cdm_id: cdm.cdm_id, status: 'accepted', propagated_to: result.propagatedTo } };
}

function logRefusal(request: FastifyRequest, err: unknown): void {
  if (err instanceof ApiError && err.code === 'validation_failed') {
    request.log.warn({ field: err.field, error: err.message, source: 'api', address: request.ip }, 'cdm validation failed');
  }
}

function itemResult(ctx: ApiContext, request: FastifyRequest, candidate: Candidate, index: number): ItemResult {
  try {
    if (!candidate.ok) throw candidate.error;
    const done = originate(ctx, candidate.cdm);
    return { index, http_status: done.code, ...done.body };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    logRefusal(request, err);
    const cdmId = candidate.ok ? candidate.cdm.cdm_id : undefined;
    return { index, http_status: err.statusCode, ...(cdmId !== undefined ? { cdm_id: cdmId } : {}), status: 'refused', error: err.toBody() };
  }
}

/**
 * POST /cdm: one CDM answers as before (201 accepted, 200 unchanged, 400/409 as an error);
 * several (NDM, multi-KVN, Space-Track records) answer `{results: [...]}` in body order, with
 * the status all share, or 207 when they differ.
 */
export async function ingestCdms(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply) {
  let cdms: RequestCdms;
  try {
    cdms = cdmsFromRequest(request);
  } catch (err) {
    logRefusal(request, err);
    throw err;
  }
  if (cdms.single) {
    const [candidate] = cdms.candidates;
    if (!candidate) throw invalid('', 'the request holds no CDM');
    if (!candidate.ok) {
      logRefusal(request, candidate.error);
      throw candidate.error;
    }
    const done = originate(ctx, candidate.cdm);
    if (done.code === 201) {
      await ctx.store.durable();
      ctx.metrics.cdmProcessingTime.observe(reply.elapsedTime);
    }
    return reply.code(done.code).send(done.body);
  }
  const results = cdms.candidates.map((candidate, index) => itemResult(ctx, request, candidate, index));
  if (results.some((result) => result.http_status === 201)) {
    await ctx.store.durable();
    ctx.metrics.cdmProcessingTime.observe(reply.elapsedTime);
  }
  const statuses = new Set(results.map((result) => result.http_status));
  const code = statuses.size === 1 ? (results[0]?.http_status ?? 207) : 207;
  return reply.code(code).send({ results });
}
