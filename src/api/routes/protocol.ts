import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isBatch, type InboundReply } from '../../peers/inbound.js';
import type { PeerSession } from '../../peers/session.js';
import { MESSAGES_PATH } from '../../peers/transport.js';
import type { TLSSocket } from 'node:tls';
import { bearerToken } from '../auth.js';
import { certificateNames } from '../tls-names.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { apiErrorFor, drainOversizedBody } from '../framework-errors.js';

const sessions = new WeakMap<object, PeerSession>();

function send(reply: FastifyReply, answer: InboundReply): FastifyReply {
  return reply.code(answer.status).headers(answer.headers ?? {}).send(answer.body);
}

/** `POST /spacecomms/v1/messages`: peer authentication and rate limit before the body is read, then the protocol handler. */
export function registerProtocolRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.post(MESSAGES_PATH, {
    config: { permission: 'public' },
    onRequest: async (request, reply) => {
      const header = request.headers['x-spacecomms-node-id'];
      const nodeId = typeof header === 'string' && header !== '' ? header : undefined;
      const socket = request.raw.socket as TLSSocket;
      const tls = socket.encrypted === true;
      const auth = ctx.protocol.authenticate({
        ...(nodeId !== undefined ? { nodeId } : {}),
        bearer: bearerToken(request.headers.authorization),
        address: request.ip,
        tls,
        ...(tls ? { certificateNames: certificateNames(socket) } : {}),
      });
      if (!auth.ok) return send(reply, auth.reply);
      const limited = ctx.protocol.admit(auth.session);
      if (limited) return send(reply, limited);
      sessions.set(request, auth.session);
    },
    // PROTOCOL.md section 4: bad JSON, another media type, a body over the size limit are all
    // `400 INVALID_MESSAGE`; anything unexpected is `500 INTERNAL_ERROR`.
    errorHandler: async (err: FastifyError, request, reply) => {
      if (!(err instanceof ApiError) && (err.statusCode ?? 500) >= 500) {
        request.log.error({ err }, 'peer message failed');
        return send(reply, ctx.protocol.internalError());
      }
      const problem = apiErrorFor(err);
      if (problem?.code === 'payload_too_large') await drainOversizedBody(ctx, request);
      return send(reply, ctx.protocol.malformed(400, problem?.message ?? err.message));
    },
    handler: async (request, reply) => {
      const session = sessions.get(request) as PeerSession;
      if (isBatch(request.body)) return send(reply, await ctx.protocol.handleBatch(request.body, session));
      return send(reply, await ctx.protocol.handle(request.body, session));
    },
  });
}
