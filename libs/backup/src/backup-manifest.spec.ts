import { describe, expect, it } from '@jest/globals';
import {
  BACKUP_FORMAT,
  BackupRefused,
  fileProblem,
  loadOrder,
  migrationsToLoadAt,
  objectFile,
  parseManifest,
} from './backup-manifest.js';

const hex = (c: string) => c.repeat(64);
const key = (h: string) => `sha256/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`;
const valid = () => ({
  format: BACKUP_FORMAT,
  hubVersion: '0.1.0',
  migrations: ['Foundation1', 'AuditTrail2'],
  createdAt: '2026-01-01T00:00:00.000Z',
  snapshotAt: '2026-01-01T00:00:01.000Z',
  tables: [{ name: 'studies', rows: 2, sha256: hex('a'), bytes: 10 }],
  sequences: [{ name: 'audit_events_id_seq', value: '41' }],
  objects: [{ key: key(hex('b')), size: 5, sha256: hex('b') }],
});

describe('parseManifest', () => {
  it('reads a manifest as the backup writes it', () => {
    expect(parseManifest(JSON.stringify(valid()))).toEqual(valid());
  });

  it('refuses what is not a manifest, naming the field', () => {
    expect(() => parseManifest('{')).toThrow(/not JSON/);
    expect(() => parseManifest(JSON.stringify({ ...valid(), format: 2 }))).toThrow(/format/);
    const badKey = { ...valid(), objects: [{ key: '../../etc/passwd', size: 1, sha256: hex('b') }] };
    expect(() => parseManifest(JSON.stringify(badKey))).toThrow(/objects\.0\.key: must be an object key/);
    const badTable = { ...valid(), tables: [{ name: 'x"; DROP', rows: 1, sha256: hex('a'), bytes: 1 }] };
    expect(() => parseManifest(JSON.stringify(badTable))).toThrow(BackupRefused);
  });

  it('refuses an object listed with a hash that is not its content address', () => {
    const m = { ...valid(), objects: [{ key: key(hex('b')), size: 5, sha256: hex('c') }] };
    expect(() => parseManifest(JSON.stringify(m))).toThrow(/not its address/);
  });
});

describe('fileProblem', () => {
  const expected = { sha256: hex('a'), size: 10 };
  it('is null for a file as the manifest says', () => {
    expect(fileProblem('table t', expected, { ...expected })).toBeNull();
  });
  it('names a missing, truncated or changed file', () => {
    expect(fileProblem('table t', expected, null)).toBe('table t is missing');
    expect(fileProblem('table t', expected, { sha256: hex('a'), size: 9 })).toMatch(/9 bytes, the manifest says 10/);
    expect(fileProblem('object k', expected, { sha256: hex('d'), size: 10 })).toMatch(
      /object k does not match its SHA-256 in the manifest/,
    );
  });
});

describe('objectFile', () => {
  it('places an object under its key and refuses anything else', () => {
    expect(objectFile('/b', key(hex('e')))).toBe(`/b/objects/sha256/ee/ee/${hex('e')}`);
    expect(() => objectFile('/b', 'sha256/../../x')).toThrow(BackupRefused);
  });
});

describe('migrationsToLoadAt', () => {
  const ours = ['A1', 'B2', 'C3'];
  it('loads at the backup level when this hub knows every migration of the backup', () => {
    expect(migrationsToLoadAt(['A1', 'B2', 'C3'], ours)).toBe(3);
    expect(migrationsToLoadAt(['A1', 'B2'], ours)).toBe(2);
  });
  it('refuses a backup from a newer or another line of migrations', () => {
    expect(() => migrationsToLoadAt(['A1', 'B2', 'C3', 'D4'], ours)).toThrow(/migration D4.*not one this hub/);
    expect(() => migrationsToLoadAt(['A1', 'X2'], ours)).toThrow(BackupRefused);
  });
});

describe('loadOrder', () => {
  it('puts every table after the tables it references', () => {
    const refs = new Map([
      ['reports', ['studies', 'users']],
      ['studies', ['patients']],
      ['users', ['institutions']],
      ['patients', ['institutions']],
    ]);
    const order = loadOrder(['reports', 'users', 'studies', 'patients', 'institutions'], refs);
    for (const [table, targets] of refs)
      for (const t of targets) expect(order.indexOf(t)).toBeLessThan(order.indexOf(table));
    expect(order).toHaveLength(5);
  });
  it('ignores a table referencing itself and tables outside the backup, and refuses a cycle', () => {
    expect(loadOrder(['a'], new Map([['a', ['a', 'elsewhere']]]))).toEqual(['a']);
    expect(() =>
      loadOrder(
        ['a', 'b'],
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toThrow(/cycle/);
  });
});
