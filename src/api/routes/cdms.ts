import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { writeCdmKvn, writeCdmXml } from '../../ccsds/index.js';
import { validatePayload } from '../../protocol/validate.js';
import { CDM_SORT_FIELDS, type CdmSortField } from '../../store/store.js';
import { authorise, takeForce } from '../authority.js';
import { jsonObjectBody } from '../body.js';
import type { ApiContext } from '../context.js';
import { ApiError, invalid, notFound } from '../errors.js';
import { enumParam, numberParam, pageParams, stringParam, timestampParam } from '../query.js';
import { cdmAssessment, cdmDetail, cdmListItem, signatureView } from '../views.js';
import { ingestCdms } from './cdm-ingest.js';

const SORTS = [...CDM_SORT_FIELDS, ...CDM_SORT_FIELDS.map((f) => `-${f}`)] as const;

export function registerCdmRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const ingest = async (request: FastifyRequest, reply: FastifyReply) => ingestCdms(ctx, request, reply);
  app.post('/cdm', { config: { permission: 'write' } }, ingest);
  app.post('/cdms', { config: { permission: 'write' } }, ingest);

  app.get('/cdms', { config: { permission: 'read' } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const sort = enumParam(q, 'sort', SORTS, 'tca');
    const page = pageParams(q);
    const result = ctx.store.queryCdms({
      ...page,
      object_id: stringParam(q, 'object_id'),
      owner: stringParam(q, 'owner'),
      min_probability: numberParam(q, 'min_probability', { min: 0, max: 1 }),
      tca_from: timestampParam(q, 'tca_from'),
      tca_to: timestampParam(q, 'tca_to'),
      status: enumParam(q, 'status', ['active', 'withdrawn', 'all'] as const, 'active'),
      sort: { field: sort.replace(/^-/, '') as CdmSortField, descending: sort.startsWith('-') },
    });
    return { cdms: result.items.map(cdmListItem), total: result.total, ...page };
  });

  app.get('/cdms/:id', { config: { permission: 'read' } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const record = ctx.store.getCdm(id);
    if (!record) throw notFound('CDM', id);
    const format = ccsdsFormat(request);
    if (format === 'json') return cdmDetail(record, { ...cdmAssessment(record, ctx.events.eventIdOfCdm(id), ctx.config().pc.disagreement_factor), ...signatureView(record) });
    const cdm = record.announce?.payload.cdm;
    if (!cdm) throw new ApiError('not_found', `CDM ${id} is a withdrawal without content; there is no CCSDS message to give`);
    return format === 'kvn'
      ? reply.type('text/plain; charset=utf-8').send(writeCdmKvn(cdm))
      : reply.type('application/xml; charset=utf-8').send(writeCdmXml(cdm));
  });

  app.delete('/cdms/:id', { config: { permission: 'write' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const { force, rest: body } = takeForce(jsonObjectBody(request, { optional: true }));
    const record = ctx.store.getCdm(id);
    if (!record) throw notFound('CDM', id);
    if (record.status === 'withdrawn' && record.withdrawal) {
      return { cdm_id: id, status: 'withdrawn', reason: record.withdrawal.payload.reason };
    }
    const checked = validatePayload('CDM_WITHDRAW', { ...body, cdm_id: id, effective_time: ctx.now().toISOString() });
    if (!checked.ok) throw invalid(checked.issue.field, checked.issue.message);
    const forced = authorise(ctx, request, `CDM ${id}`, record, force);
    const result = ctx.router.originate('CDM_WITHDRAW', checked.value, { forced });
    await ctx.store.durable();
    return { cdm_id: id, status: 'withdrawn', reason: checked.value.reason, ...(forced ? { forced: true } : {}), propagated_to: result.propagatedTo };
  });
}

function ccsdsFormat(request: FastifyRequest): 'json' | 'kvn' | 'xml' {
  const format = enumParam(request.query as Record<string, unknown>, 'format', ['json', 'kvn', 'xml'] as const, 'json');
  if (format !== 'json') return format;
  const accept = request.headers.accept ?? '';
  if (/^\s*text\/plain/i.test(accept)) return 'kvn';
  if (/^\s*(application|text)\/xml/i.test(accept)) return 'xml';
  return 'json';
}
