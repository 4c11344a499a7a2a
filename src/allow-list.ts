import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Networks an address must belong to (CIDR blocks or single addresses, IPv4 and IPv6).
 * An empty list allows every address. IPv4 addresses seen as IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`) are checked as IPv4.
 */
export class AllowList {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(networks: readonly string[]) {
    this.empty = networks.length === 0;
    for (const network of networks) {
      const [address = '', prefixText] = network.split('/');
      const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
      if (!family) throw new Error(`${network} is not an IPv4 or IPv6 address or network`);
      if (prefixText === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefixText), family);
    }
  }

  allows(address: string | undefined): boolean {
    if (this.empty) return true;
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    if (isIPv4(plain)) return this.list.check(plain, 'ipv4');
    if (isIPv6(plain)) return this.list.check(plain, 'ipv6');
    return false;
  }
}

const lists = new WeakMap<readonly string[], AllowList>();

/** The allow list of a configuration's network list, built once per list (a reload brings a new one). */
export function allowListFor(networks: readonly string[]): AllowList {
  let list = lists.get(networks);
  if (!list) {
    list = new AllowList(networks);
    lists.set(networks, list);
  }
  return list;
}

/** The first entry of a list that is not a valid address or network, for configuration checks. */
export function invalidNetwork(networks: readonly string[]): string | undefined {
  for (const network of networks) {
    try {
      new AllowList([network]);
    } catch {
      return network;
    }
  }
  return undefined;
}
