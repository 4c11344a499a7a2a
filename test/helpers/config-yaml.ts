/**
 * Peers entries for a configuration file: `count` peers sharing one anchored policy block,
 * half by plain alias and half by merge key (`<<`) with one key overridden.
 */
export function sharedPolicyPeers(count: number, address = (i: number) => `http://127.0.0.1:9/p${i}`): string {
  const peers = Array.from({ length: count }, (_, i) => {
    if (i === 0) return `  - id: peer-0\n    address: "${address(0)}"\n    policies: &shared\n      accept_maneuver: false\n      filters: [{ type: object_type, values: [PAYLOAD, DEBRIS] }]`;
    if (i % 2 === 0) return `  - { id: peer-${i}, address: "${address(i)}", policies: *shared }`;
    return `  - id: peer-${i}\n    address: "${address(i)}"\n    policies:\n      <<: *shared\n      forward_maneuver: false`;
  });
  return `peers:\n${peers.join('\n')}\n`;
}

/** "Billion laughs": each level aliases the one above ten times (10^levels strings). */
export function aliasBomb(levels: number): string {
  const lines = ['x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`x${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}
