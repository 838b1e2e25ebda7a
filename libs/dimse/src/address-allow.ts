import { BlockList, isIP } from 'node:net';

/** "10.1.2.3" or "10.1.2.0/24" (IPv4 or IPv6): one entry of a modality's allowed source addresses. */
export function isAddressOrRange(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; compare it as the IPv4 address it is. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Whether `remote` may call: any address when the list is empty, else one matching an address or range. */
export function addressAllowed(allowed: readonly string[], remote: string | undefined): boolean {
  if (allowed.length === 0) return true;
  if (!remote) return false;
  const address = plain(remote);
  const family = isIP(address);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of allowed) {
    const [base, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(plain(base)) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(plain(base), type);
    else list.addSubnet(base, Number(prefix), type);
  }
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}
