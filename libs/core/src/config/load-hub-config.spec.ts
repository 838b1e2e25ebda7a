import { describe, expect, it } from '@jest/globals';
import { defaultSharedBuffersMb, usableMemoryBytes } from './hub-config.schema.js';
import { ConfigValidationError, loadHubConfig } from './load-hub-config.js';

describe('loadHubConfig', () => {
  it('trusts no proxy by default, and a number of proxies or their addresses when told; never every client', () => {
    expect(loadHubConfig({}).TRUST_PROXY).toBe(false);
    expect(loadHubConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadHubConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadHubConfig({ TRUST_PROXY: ' 10.0.0.0/8, loopback ,::1 ' }).TRUST_PROXY).toBe('10.0.0.0/8,loopback,::1');
    expect(() => loadHubConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: true would let any client claim/);
    expect(() => loadHubConfig({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY: must be false, a number of proxies/);
    for (const wrong of ['10.0.0.300', 'abc', '10.0.0.0/33', '10.0.0.0/8/1', 'yes']) {
      expect(() => loadHubConfig({ TRUST_PROXY: wrong })).toThrow(/TRUST_PROXY: must be false/);
    }
  });

  it('gives the embedded defaults for an empty environment', () => {
    const config = loadHubConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      HUB_REQUIRE_2FA: false,
      ACCESS_TOKEN_TTL_SECONDS: 900,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.S3_ENDPOINT).toBeUndefined();
  });

  it('gives the embedded PostgreSQL a quarter of the memory for its buffers, from 128 MB up to 8 GB', () => {
    const GiB = 1024 ** 3;
    expect(defaultSharedBuffersMb(24 * GiB)).toBe(6144);
    expect(defaultSharedBuffersMb(2 * GiB)).toBe(512);
    expect(defaultSharedBuffersMb(256 * 1024 ** 2)).toBe(128);
    expect(defaultSharedBuffersMb(128 * GiB)).toBe(8192);
    // A container limited to 2 GiB on a 64 GiB machine; no limit (a huge number or 0, depending on Node's version).
    expect(usableMemoryBytes(64 * GiB, 2 * GiB)).toBe(2 * GiB);
    expect(usableMemoryBytes(64 * GiB, 2 ** 64)).toBe(64 * GiB);
    expect(usableMemoryBytes(64 * GiB, 0)).toBe(64 * GiB);
    expect(usableMemoryBytes(64 * GiB, undefined)).toBe(64 * GiB);
    expect(loadHubConfig({ EMBEDDED_PG_SHARED_BUFFERS_MB: '256' }).EMBEDDED_PG_SHARED_BUFFERS_MB).toBe(256);
    expect(() => loadHubConfig({ EMBEDDED_PG_SHARED_BUFFERS_MB: '8' })).toThrow(/EMBEDDED_PG_SHARED_BUFFERS_MB/);
  });

  it('parses numbers and booleans from strings, and treats empty values as unset', () => {
    const config = loadHubConfig({ PORT: '8080', HUB_REQUIRE_2FA: 'true', DATABASE_URL: '' });
    expect(config.PORT).toBe(8080);
    expect(config.HUB_REQUIRE_2FA).toBe(true);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('lists every problem at once, each naming its variable', () => {
    let error: unknown;
    try {
      loadHubConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        HUB_JWT_SECRET: 'short',
        HUB_REQUIRE_2FA: 'maybe',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'HUB_JWT_SECRET', 'HUB_REQUIRE_2FA']) {
      expect(problems).toContain(name);
    }
    expect((error as Error).message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it('checks settings that depend on each other', () => {
    expect(() => loadHubConfig({ S3_ENDPOINT: 'minio.local' })).toThrow(/S3_ACCESS_KEY/);
    expect(() => loadHubConfig({ DATABASE_ADMIN_URL: 'postgres://a@b/c' })).toThrow(/DATABASE_URL: is required/);
  });

  it('runs background jobs every minute by default; a process can leave them to a worker', () => {
    expect(loadHubConfig({})).toMatchObject({ JOBS_ENABLED: true, SLA_SWEEP_CRON: '* * * * *' });
    expect(loadHubConfig({ JOBS_ENABLED: 'false', SLA_SWEEP_CRON: '*/5 * * * *' })).toMatchObject({
      JOBS_ENABLED: false,
      SLA_SWEEP_CRON: '*/5 * * * *',
    });
    expect(() => loadHubConfig({ SLA_SWEEP_CRON: 'every minute' })).toThrow(/SLA_SWEEP_CRON: must be a cron/);
    expect(() => loadHubConfig({ SLA_SWEEP_CRON: '0 * * * * *' })).toThrow(/SLA_SWEEP_CRON/);
  });

  it('keeps audit events ten years by default and refuses less than six months', () => {
    expect(loadHubConfig({})).toMatchObject({ AUDIT_RETENTION_DAYS: 3650, AUDIT_RETENTION_CRON: '17 3 * * *' });
    expect(loadHubConfig({ AUDIT_RETENTION_DAYS: '183' }).AUDIT_RETENTION_DAYS).toBe(183);
    expect(() => loadHubConfig({ AUDIT_RETENTION_DAYS: '182' })).toThrow(
      /AUDIT_RETENTION_DAYS: must be at least 183 days: audit events are kept at least six months/,
    );
    expect(() => loadHubConfig({ AUDIT_RETENTION_DAYS: '30.5' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(() => loadHubConfig({ AUDIT_RETENTION_CRON: 'daily' })).toThrow(/AUDIT_RETENTION_CRON: must be a cron/);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadHubConfig({}))).toBe(true);
  });
});
