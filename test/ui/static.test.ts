import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CONTENT_SECURITY_POLICY } from '../../src/api/routes/ui.js';
import { ensureUiBuilt } from '../helpers/browser.js';
import { AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { announce } from './cdm-factory.js';

// Serving the dashboard: public static files, strict CSP, cache headers by kind of file;
// GET /auth/whoami; the list fields the dashboard shows.
let secured: TestNode;
let open: TestNode;

beforeAll(async () => {
  ensureUiBuilt();
  secured = await startTestNode(`node: { id: ui-static }\nserver: { port: 0 }\n${AUTH_YAML}`);
  open = await startTestNode(`node: { id: ui-open }\nserver: { port: 0 }\n`);
});
afterAll(async () => {
  await secured?.stop();
  await open?.stop();
});

function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => `/ui/${m[1]}`);
}

describe('GET /ui/', () => {
  it('serves the page without a token, never cached, with a strict CSP and no inline script or remote origin', async () => {
    const res = await http(secured.url, 'GET', '/ui/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(UI_CONTENT_SECURITY_POLICY);
    expect(UI_CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(UI_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Every script is a file of the node's own; nothing names another origin.
    const scripts = [...res.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\bsrc="\.\//);
    expect(res.text).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('serves the versioned and hashed files for a year, from the package only', async () => {
    const index = await http(secured.url, 'GET', '/ui/');
    const paths = assetPaths(index.text);
    expect(paths.some((p) => /\/ui\/app-[0-9a-f]{12}\/main\.js$/.test(p))).toBe(true);
    expect(paths.some((p) => /\/ui\/vendor\/uplot-[\d.]+\/uPlot\.min\.css$/.test(p))).toBe(true);
    const main = paths.find((p) => p.endsWith('/main.js')) as string;
    // The modules the list needs are named for preloading; the plotting library (event page only) is not.
    expect(paths).toContain(main.replace('main.js', 'lib.js'));
    expect(paths.filter((p) => /uplot\.js$|uPlot\.esm\.js$/.test(p))).toEqual([]);
    const libs = [main.replace('main.js', 'lib.js'), main.replace('main.js', 'uplot.js')];
    const vendor: string[] = [];
    for (const lib of libs) {
      const text = (await http(secured.url, 'GET', lib)).text;
      vendor.push(...[...text.matchAll(/from '\.\.\/(vendor\/[^']+)'/g)].map((m) => `/ui/${m[1]}`));
    }
    expect(vendor.length).toBe(4);
    for (const path of [...paths.filter((p) => !p.endsWith('.svg')), ...libs, ...vendor]) {
      const res = await http(secured.url, 'GET', path);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type'], path).toMatch(path.endsWith('.css') ? /^text\/css/ : /javascript/);
      expect(res.headers['content-security-policy'], path).toBe(UI_CONTENT_SECURITY_POLICY);
    }
  });

  it('redirects /ui to /ui/, answers 404 in the API error shape for a missing file, and serves nothing outside dist/ui', async () => {
    const bare = await http(secured.url, 'GET', '/ui');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/ui/');
    const missing = await http(secured.url, 'GET', '/ui/no-such-file.js');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('not_found');
    for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/..%2fpackage.json']) {
      const res = await http(secured.url, 'GET', path);
      expect(res.status, path).not.toBe(200);
      expect(res.text, path).not.toContain('"dependencies"');
    }
  });
});

describe('GET /auth/whoami', () => {
  it('names the token and its permissions, for any valid token', async () => {
    const reader = await http(secured.url, 'GET', '/auth/whoami', { token: READ_TOKEN });
    expect(reader.status).toBe(200);
    expect(reader.json).toEqual({ token_id: 'reader', permissions: ['read'], auth_enabled: true });
    // A token without `read` still learns what it may do.
    const writer = await http(secured.url, 'GET', '/auth/whoami', { token: WRITE_TOKEN });
    expect(writer.json).toEqual({ token_id: 'writer', permissions: ['write'], auth_enabled: true });
  });

  it('answers 401 without a token or with an unknown one, and logs the refusal without the secret', async () => {
    const none = await http(secured.url, 'GET', '/auth/whoami');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json.error).toBe('unauthorized');
    const unknown = await http(secured.url, 'GET', '/auth/whoami', { token: 'not-a-known-token-42' });
    expect(unknown.status).toBe(401);
    const refusals = secured.logs.withMsg('authentication failed').filter((l) => l.route === 'GET /auth/whoami');
    expect(refusals.map((l) => l.reason)).toEqual(expect.arrayContaining(['no bearer token', 'unknown token']));
    expect(secured.logs.raw.join('\n')).not.toContain('not-a-known-token-42');
  });

  it('with auth off: no token, every permission', async () => {
    const res = await http(open.url, 'GET', '/auth/whoami');
    expect(res.json).toEqual({ token_id: null, permissions: ['read', 'write', 'admin'], auth_enabled: false });
  });
});

describe('what the dashboard lists', () => {
  it('GET /events gives object names, owners, given and computed Pc; GET /peers gives each queue depth', async () => {
    await announce(open, { id: 'UI-S-1', a: 'S-SAT', b: 'S-DEB', names: ['SAT ONE', 'DEB TWO'], owners: ['Alpha Orbital', 'Beta Ops'], pc: 3e-5 });
    const res = await http(open.url, 'GET', '/events');
    const [event] = res.json.events as Record<string, unknown>[];
    expect(event).toMatchObject({ object1_name: 'SAT ONE', object2_name: 'DEB TWO', owners: ['Alpha Orbital', 'Beta Ops'], collision_probability: 3e-5 });
    expect(typeof event?.computed_pc).toBe('number');
    expect(event?.pc).toBe(Math.max(3e-5, event?.computed_pc as number));
    const peers = await http(open.url, 'POST', '/peers', { body: { peer_id: 'ui-absent', address: 'http://127.0.0.1:9' } });
    expect(peers.status).toBe(201);
    const list = await http(open.url, 'GET', '/peers');
    expect((list.json.peers as Record<string, unknown>[])[0]).toMatchObject({ peer_id: 'ui-absent', queue_depth: expect.any(Number) });
  });
});
