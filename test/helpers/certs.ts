import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export interface DevCerts {
  dir: string;
  ca: string;
  nodeA: { cert: string; key: string };
  nodeB: { cert: string; key: string };
  client: { cert: string; key: string };
  read(path: string): Buffer;
}

/** Certificates made by the project's own `scripts/dev-certs.sh`, into `dir`. */
export function makeDevCerts(dir: string): DevCerts {
  execFileSync('bash', [join(ROOT, 'scripts/dev-certs.sh'), dir], { stdio: 'ignore' });
  const pair = (name: string) => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) });
  return { dir, ca: join(dir, 'ca.crt'), nodeA: pair('node-a'), nodeB: pair('node-b'), client: pair('client'), read: (p) => readFileSync(p) };
}

/** A certificate signed by `certs`' CA whose validity ended in 2020. */
export function makeExpiredCert(certs: DevCerts, dir: string): { cert: string; key: string } {
  const key = join(dir, 'expired.key');
  const csr = join(dir, 'expired.csr');
  const cert = join(dir, 'expired.crt');
  const config = join(dir, 'ca.cnf');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(
    config,
    `[ca]\ndefault_ca = dev\n[dev]\ndatabase = ${join(dir, 'index.txt')}\nnew_certs_dir = ${dir}\nserial = ${join(dir, 'serial')}\n` +
      `default_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n`,
  );
  writeFileSync(join(dir, 'serial'), '01\n');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=localhost', '-out', csr], { stdio: 'ignore' });
  execFileSync(
    'openssl',
    ['ca', '-batch', '-config', config, '-cert', certs.ca, '-keyfile', join(certs.dir, 'ca.key'), '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-in', csr, '-out', cert],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
