import { describe, expect, it } from '@jest/globals';
import { addressAllowed, isAddressOrRange } from './address-allow.js';

describe('isAddressOrRange', () => {
  it.each(['10.1.2.3', '10.1.2.0/24', '::1', 'fd00::/8', '0.0.0.0/0'])('accepts %s', (entry) => {
    expect(isAddressOrRange(entry)).toBe(true);
  });
  it.each(['', 'clinic.local', '10.1.2', '10.1.2.0/33', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x'])(
    'refuses %s',
    (entry) => {
      expect(isAddressOrRange(entry)).toBe(false);
    },
  );
});

describe('addressAllowed', () => {
  it('lets any address call when the list is empty', () => {
    expect(addressAllowed([], '192.0.2.7')).toBe(true);
  });
  it('matches single addresses and ranges', () => {
    const allowed = ['192.0.2.7', '198.51.100.0/24'];
    expect(addressAllowed(allowed, '192.0.2.7')).toBe(true);
    expect(addressAllowed(allowed, '198.51.100.200')).toBe(true);
    expect(addressAllowed(allowed, '192.0.2.8')).toBe(false);
    expect(addressAllowed(allowed, '198.51.101.1')).toBe(false);
  });
  it('sees an IPv4 peer on a dual-stack socket as its IPv4 address', () => {
    expect(addressAllowed(['127.0.0.1'], '::ffff:127.0.0.1')).toBe(true);
    expect(addressAllowed(['127.0.0.0/8'], '::ffff:127.0.0.5')).toBe(true);
  });
  it('matches IPv6', () => {
    expect(addressAllowed(['::1'], '::1')).toBe(true);
    expect(addressAllowed(['fd00::/8'], 'fd12::1')).toBe(true);
    expect(addressAllowed(['fd00::/8'], 'fe80::1')).toBe(false);
  });
  it('refuses an unknown peer address when the list is not empty', () => {
    expect(addressAllowed(['127.0.0.1'], undefined)).toBe(false);
    expect(addressAllowed(['127.0.0.1'], 'not-an-ip')).toBe(false);
  });
});
