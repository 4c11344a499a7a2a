import type { FastifyRequest } from 'fastify';
import type { RecordTrust } from '../model/records.js';
import { grants, bearerToken } from './auth.js';
import type { ApiContext } from './context.js';
import { ApiError, conflict, invalid } from './errors.js';

type Held = { trust?: RecordTrust; announce?: { source_node_id: string }; intent?: { source_node_id: string }; withdrawal?: { source_node_id: string }; status_update?: { source_node_id: string } };

/** The node that first announced the record (PROTOCOL.md section 10). */
export function recordOrigin(record: Held): string | undefined {
  return record.trust?.origin ?? (record.announce ?? record.intent ?? record.withdrawal ?? record.status_update)?.source_node_id;
}

/** `force` of a change body: absent is false; anything but a boolean is refused. Removed from the body. */
export function takeForce(body: Record<string, unknown>): { force: boolean; rest: Record<string, unknown> } {
  const { force, ...rest } = body;
  if (force !== undefined && typeof force !== 'boolean') throw invalid('force', 'Invalid field force: must be true or false');
  return { force: force === true, rest };
}

function isAdmin(ctx: ApiContext, request: FastifyRequest): boolean {
  if (!ctx.config().api.auth.enabled) return true;
  const secret = bearerToken(request.headers.authorization);
  const token = secret === undefined ? undefined : ctx.auth.identify(secret);
  return token !== undefined && grants(token, 'admin');
}

/**
 * Section 10 "authority" on the REST side: a node withdraws or changes only records it
 * originated (or is a configured delegate for). Its operator may force a change of
 * another origin's record with `{"force": true}` and the `admin` permission; the change is
 * then signed by this node and kept as forced. Returns whether the change is forced.
 * Throws 409 (not this node's record, no force) or 403 (force without admin).
 */
export function authorise(ctx: ApiContext, request: FastifyRequest, what: string, record: Held, force: boolean): boolean {
  const origin = recordOrigin(record);
  if (origin === undefined || ctx.keys.authorityOver(origin) !== 'not_origin') return false;
  if (!force) {
    throw conflict(`${what} was originated by ${origin}; this node may change only what it originated (an admin may force it with {"force": true})`, { origin });
  }
  if (!isAdmin(ctx, request)) throw new ApiError('forbidden', `Forcing a change of ${what}, originated by ${origin}, needs the admin permission`);
  request.log.warn({ record: what, origin }, 'change of another origin forced by the operator');
  return true;
}
