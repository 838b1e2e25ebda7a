import os from 'node:os';
import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (part: string) => {
  if (PROXY_NAMES.includes(part.toLowerCase())) return true;
  const [address, bits, ...rest] = part.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
const trustedProxies = z.union([z.literal(false), z.string()]).transform((value, ctx): false | number | string => {
  const text = value === false ? 'false' : value.trim();
  if (['false', 'no', '0', ''].includes(text)) return false;
  if (/^\d+$/.test(text)) return Number(text);
  const parts = text.split(',').map((part) => part.trim());
  if (parts.every(isProxyAddress)) {
    return parts.join(',');
  }
  ctx.addIssue({
    code: 'custom',
    message:
      text === 'true'
        ? 'true would let any client claim any address; give the number of proxies in front of the hub (e.g. 1) or their addresses'
        : 'must be false, a number of proxies, or comma-separated addresses / subnets',
  });
  return z.NEVER;
});

/** A quarter of the memory, at least PostgreSQL's default of 128 MB and at most 8 GB. */
export const defaultSharedBuffersMb = (totalBytes: number): number =>
  Math.min(8192, Math.max(128, Math.floor(totalBytes / 4 / 1024 ** 2)));

/**
 * The memory the hub and its embedded server may use: the machine's, or less in a container with a memory limit
 * (a cgroup), which os.totalmem() does not see; Node reports an unlimited cgroup as a huge number or 0.
 */
export function usableMemoryBytes(
  total = os.totalmem(),
  constrained: number | undefined = process.constrainedMemory?.(),
): number {
  return constrained && constrained > 0 ? Math.min(total, constrained) : total;
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Audit events are kept at least six months (the database's audit_prune refuses anything shorter too). */
export const AUDIT_RETENTION_MIN_DAYS = 183;

const cron = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^\S+(\s+\S+){4}$/, 'must be a cron expression of five fields, e.g. "* * * * *"')
    .default(fallback);

/** Every setting the hub reads from the environment, with its default. The README's configuration table mirrors it. */
export const hubConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Which proxies in front of the hub may say, in X-Forwarded-For, who the client is (the audit trail's source address
    // and the login rate limit use it): false (none), how many proxies (1 behind one nginx), or their addresses and
    // subnets, comma-separated (Express's names loopback, linklocal, uniquelocal too).
    TRUST_PROXY: trustedProxies.default(false),
    // The built browser console (npm run build:web), served at /; a folder without index.html serves none.
    WEB_DIR: z.string().min(1).default('./apps/web/dist'),

    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgres:// URL' }).optional(),
    DATABASE_ADMIN_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgres:// URL' }).optional(),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    // With PostgreSQL's own default (128 MB) a recognition look-up over 10^6 results read a third of its pages
    // through the kernel. A quarter of the memory is PostgreSQL's usual advice for a server of its own; the kernel
    // gives the pages only as they are used.
    EMBEDDED_PG_SHARED_BUFFERS_MB: z.coerce
      .number()
      .int()
      .min(16)
      .default(() => defaultSharedBuffersMb(usableMemoryBytes())),
    DATABASE_POOL_SIZE: positiveInt(10),

    S3_ENDPOINT: z.string().min(1).optional(),
    S3_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    S3_USE_SSL: bool.default(true),
    S3_ACCESS_KEY: z.string().min(1).optional(),
    S3_SECRET_KEY: z.string().min(1).optional(),
    S3_BUCKET: z.string().min(3).default('hub'),
    S3_REGION: z.string().min(1).default('us-east-1'),

    // DICOMweb STOW-RS: a request over the first is refused with 413 before it is read; an instance over the second
    // is a per-instance failure (0xA700).
    STOW_MAX_REQUEST_BYTES: positiveInt(8 * 1024 ** 3),
    STOW_MAX_INSTANCE_BYTES: positiveInt(4 * 1024 ** 3),

    // The DICOM network gateway (DIMSE C-ECHO, C-STORE, C-FIND) for modalities that cannot speak DICOMweb. DICOM_HOST
    // unset: the HOST setting; DICOM_PORT 0: any free port (tests).
    DICOM_ENABLED: bool.default(true),
    DICOM_PORT: z.coerce.number().int().min(0).max(65535).default(11112),
    DICOM_HOST: z.string().min(1).optional(),
    DICOM_AE_TITLE: z
      .string()
      .regex(/^(?! *$)[\x20-\x5B\x5D-\x7E]{1,16}$/, 'must be 1–16 printable characters without a backslash')
      .default('HUB'),
    DICOM_MAX_ASSOCIATIONS: positiveInt(32),

    // The object clean-up job: how often it runs (0: never) and how old an unreferenced object must be to go.
    ORPHAN_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
    ORPHAN_GRACE_MINUTES: z.coerce.number().int().min(0).default(60),

    // Non-DICOM uploads (POST /api/studies): per file sent in the form, files per request; bigger files go through the
    // resumable upload endpoint (tus), whose uploads are kept this many hours before an unfinished one is removed.
    UPLOAD_MAX_FILE_BYTES: positiveInt(512 * 1024 ** 2),
    UPLOAD_MAX_FILES: positiveInt(20),
    RESUMABLE_UPLOAD_MAX_BYTES: positiveInt(32 * 1024 ** 3),
    RESUMABLE_UPLOAD_EXPIRY_HOURS: positiveInt(24),

    // Reading queues: how long a claim holds a task without a heartbeat before it goes back to the queue.
    READING_LEASE_SECONDS: positiveInt(600),

    // Background jobs (pg-boss queues in the hub's database). false: this process runs and schedules no jobs (it can
    // still send them), so a deployment can leave them to worker processes.
    JOBS_ENABLED: bool.default(true),
    // How often the audit trail's newly committed events are linked into its hash chain (only where JOBS_ENABLED).
    AUDIT_SEAL_INTERVAL_MS: positiveInt(1000),
    // When the SLA sweep runs (expired leases back to the queue, sla.warning and sla.breached): a five-field cron
    // expression in UTC; pg-boss schedules to the minute, so every minute is the finest.
    SLA_SWEEP_CRON: cron('* * * * *'),
    // How long audit events are kept (days; at least six months), and when the job removing older ones runs (cron,
    // UTC). Studies, reports and their objects are never removed by any job.
    AUDIT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(AUDIT_RETENTION_MIN_DAYS, {
        message: `must be at least ${AUDIT_RETENTION_MIN_DAYS} days: audit events are kept at least six months`,
      })
      .default(3650),
    AUDIT_RETENTION_CRON: cron('17 3 * * *'),

    // How socket.io servers of several hub replicas reach each other: 'local' (one process, the default) or 'postgres'
    // (the socket.io PostgreSQL adapter over LISTEN/NOTIFY in the hub's own database: every replica must say so).
    SOCKET_ADAPTER: z.enum(['local', 'postgres']).default('local'),

    // Key for the keyed hash of national identity numbers (patient linking across institutions). Set it in production
    // and never change it: hashes made under another key no longer match. Generated under DATA_DIR when unset.
    PATIENT_ID_HMAC_KEY: z.string().min(32, 'must be at least 32 characters').optional(),

    HUB_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    HUB_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    HUB_REQUIRE_2FA: bool.default(false),
    // Bearer token Prometheus sends to scrape /metrics; unset, /metrics is off.
    HUB_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt(7 * 24 * 3600),
    // How long a live session read from the database may be reused without reading it again (0: read on every
    // request). Changes to sessions, users and institutions drop it at once by LISTEN/NOTIFY; this bounds the rest.
    SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    // Likewise for a reading centre with a reader's privileges (checked by every claim, draft and signature).
    REGISTRY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    // argon2id memory cost; lower it only for tests (it trades resistance to cracking for speed).
    PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).max(1048576).default(65536),
    LOGIN_MAX_FAILURES: positiveInt(5),
    LOGIN_LOCKOUT_MINUTES: positiveInt(15),
    LOGIN_RATE_LIMIT_PER_MINUTE: positiveInt(20),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.S3_ENDPOINT && (!cfg.S3_ACCESS_KEY || !cfg.S3_SECRET_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_ACCESS_KEY'],
        message: 'S3_ACCESS_KEY and S3_SECRET_KEY are required with S3_ENDPOINT',
      });
    }
    if (cfg.DATABASE_ADMIN_URL && !cfg.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when DATABASE_ADMIN_URL is set' });
    }
  });

export type HubConfig = z.output<typeof hubConfigSchema>;
