import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { headerValueProblem } from '../../config/header-value.js';
import { peerAddressProblem } from '../../config/peer-address.js';
import { PeerEntry } from '../../config/schema.js';
import type { PeerPolicies } from '../../protocol/policies.js';
import { compileReporting } from '../../protocol/schema-errors.js';
import { jsonObjectBody } from '../body.js';
import type { ApiContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';

const NewPeer = Type.Object(
  {
    peer_id: PeerEntry.properties.id,
    address: PeerEntry.properties.address,
    auth_token: PeerEntry.properties.auth_token,
    policies: PeerEntry.properties.policies,
  },
  { additionalProperties: false },
);
const validateNewPeer = compileReporting<{ peer_id: string; address: string; auth_token?: string; policies: PeerPolicies }>(NewPeer);

export function registerPeerRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/peers', { config: { permission: 'read' } }, async () => ({ peers: ctx.peers.views() }));

  app.post('/peers', { config: { permission: 'admin' } }, async (request, reply) => {
    const checked = validateNewPeer(structuredClone(jsonObjectBody(request)));
    if (!checked.ok) {
      const [first] = checked.issues;
      throw invalid(first?.field ?? '', `${first?.field ?? 'body'}: ${first?.message ?? 'is not valid'}`, { problems: checked.issues });
    }
    const peer = checked.value;
    const addressProblem = peerAddressProblem(peer.address);
    if (addressProblem) throw invalid('address', `address: ${addressProblem}`);
    const tokenProblem = peer.auth_token === undefined ? undefined : headerValueProblem(peer.auth_token);
    if (tokenProblem) throw invalid('auth_token', `auth_token: ${tokenProblem}`);
    if (peer.peer_id === ctx.config().node.id) throw invalid('peer_id', 'A node cannot peer with itself');
    if (!ctx.peers.add(peer)) throw conflict(`Peer ${peer.peer_id} already exists`);
    await ctx.store.durable();
    return reply.code(201).send({ peer_id: peer.peer_id, status: 'connecting' });
  });

  app.post('/peers/:id/sync-request', { config: { permission: 'admin' } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const outcome = await ctx.peers.requestSync(id, 'requested by the operator');
    if (!outcome.ok && outcome.reason === 'not_found') throw notFound('Peer', id);
    if (!outcome.ok) throw conflict(`Peer ${id} has no working session; its table comes with the full sync when the session is established`);
    return reply.code(202).send({ peer_id: id, status: 'sync_requested', method: outcome.method });
  });

  app.delete('/peers/:id', { config: { permission: 'admin' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    if (!(await ctx.peers.remove(id))) throw notFound('Peer', id);
    await ctx.store.durable();
    return { peer_id: id, status: 'removed' };
  });
}
