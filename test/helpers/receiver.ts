import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  seq: number;
  type: string;
  body: Record<string, unknown>;
  /** Whether `X-SpaceComms-Signature` matched the body with the receiver's secret (undefined: no secret). */
  signatureValid?: boolean;
  /** The status the receiver answered (undefined: it never answered). */
  answered?: number;
}

/** What the receiver does with the n-th request (0-based): answer a status, or hang without answering. */
export type Behaviour = (n: number, delivery: Delivery) => number | 'hang';

/** A webhook receiver on loopback that records every delivery and answers as told. */
export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** The sequence numbers it answered with 2xx, in the order it did. */
  accepted(): number[];
  setBehaviour(behaviour: Behaviour): void;
  close(): Promise<void>;
}

function verify(secret: string, raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startReceiver(behaviour: Behaviour = () => 200, secret?: string): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const hanging: ServerResponse[] = [];
  let current = behaviour;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const delivery: Delivery = {
        seq: Number(request.headers['x-spacecomms-delivery']),
        type: String(request.headers['x-spacecomms-event']),
        body: JSON.parse(raw) as Record<string, unknown>,
        ...(secret !== undefined ? { signatureValid: verify(secret, raw, request.headers['x-spacecomms-signature']) } : {}),
      };
      const answer = current(deliveries.length, delivery);
      deliveries.push(delivery);
      if (answer === 'hang') return void hanging.push(response);
      delivery.answered = answer;
      response.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    accepted: () => deliveries.filter((d) => d.answered !== undefined && d.answered < 300).map((d) => d.seq),
    setBehaviour: (b) => (current = b),
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
