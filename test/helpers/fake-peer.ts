import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  message_type: string;
  message_id: string;
  payload: Record<string, unknown>;
}

export interface FakePeerOptions {
  nodeId: string;
  capabilities?: string[];
  versions?: string[];
  features?: string[];
  /** An answer other than `accepted` for some messages: the status and error code to answer with. */
  refuse?: (message: Received) => { status: number; code: string } | undefined;
  /** Answers messages other than HELLO after this long (a slow peer). */
  answerDelayMs?: number;
}

/**
 * A peer played by the test: answers HELLO with its own HELLO (the capabilities and
 * versions given), takes everything else with 200, and records what it was sent.
 */
export class FakePeer {
  readonly received: Received[] = [];
  /** How many envelopes each POST carried (1 for a lone envelope). */
  readonly posts: number[] = [];
  private server: Server | undefined;

  constructor(private readonly options: FakePeerOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as Received | { batch: Received[] };
        let answer: { status: number; body: unknown };
        let first: Received | undefined;
        if ('batch' in parsed) {
          this.posts.push(parsed.batch.length);
          this.received.push(...parsed.batch);
          first = parsed.batch[0];
          answer = { status: 200, body: { results: parsed.batch.map((m) => this.answer(m).body) } };
        } else {
          this.posts.push(1);
          this.received.push(parsed);
          first = parsed;
          answer = this.answer(parsed);
        }
        const reply = () => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.body));
        };
        if (this.options.answerDelayMs && first?.message_type !== 'HELLO') setTimeout(reply, this.options.answerDelayMs);
        else reply();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  of(type: string): Received[] {
    return this.received.filter((m) => m.message_type === type);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private envelope(type: string, payload: object) {
    const id = this.options.nodeId;
    return { protocol_version: '1.0', message_id: randomUUID(), timestamp: new Date().toISOString(), source_node_id: id, message_type: type, hop_count: 0, ttl: 1, path: [id], payload };
  }

  private answer(message: Received): { status: number; body: unknown } {
    if (message.message_type === 'HELLO') {
      const payload = {
        node_name: this.options.nodeId,
        capabilities: this.options.capabilities ?? ['CDM', 'OBJECT_STATE', 'MANEUVER'],
        supported_versions: this.options.versions ?? ['1.0'],
        ...(this.options.features ? { features: this.options.features } : {}),
      };
      return { status: 200, body: this.envelope('HELLO', payload) };
    }
    const refusal = this.options.refuse?.(message);
    if (refusal) {
      return { status: refusal.status, body: this.envelope('ERROR', { error_code: refusal.code, error_message: `refused by ${this.options.nodeId}`, related_message_id: message.message_id }) };
    }
    return { status: 200, body: { status: 'accepted', message_id: message.message_id } };
  }
}
