import type { StudyScope } from '../study-access.policy.js';

/** An active grant: not revoked, not expired. `g` is the study_access_grants row. */
export const ACTIVE_GRANT = 'g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now())';

/** The scope as a condition on `s` (a studies row), with `$?` for each value, in order. */
export function scopeCondition(scope: StudyScope): { sql: string; values: unknown[] } {
  switch (scope.kind) {
    case 'institution':
      // Its own studies, and those shared with it (e.g. a recognisable result another clinic performed).
      return {
        sql: `(s.institution_id = $? OR s.id IN (SELECT g.study_id FROM study_access_grants g
                WHERE g.grantee_type = 'institution' AND g.grantee_id = $? AND ${ACTIVE_GRANT}))`,
        values: [scope.institutionId, scope.institutionId],
      };
    case 'consortium':
      return { sql: 's.consortium_id = $?', values: [scope.consortiumId] };
    case 'centres':
      return {
        sql: `(s.consortium_id = $? AND s.id IN (SELECT g.study_id FROM study_access_grants g
                WHERE g.grantee_type = 'centre' AND g.grantee_id = ANY($?::uuid[]) AND ${ACTIVE_GRANT}))`,
        values: [scope.consortiumId, [...scope.centreIds]],
      };
    case 'user':
      return {
        sql: `s.id IN (SELECT g.study_id FROM study_access_grants g
                WHERE g.grantee_type = 'user' AND g.grantee_id = $? AND ${ACTIVE_GRANT})`,
        values: [scope.userId],
      };
    case 'any': {
      const parts = scope.scopes.map(scopeCondition);
      return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, values: parts.flatMap((p) => p.values) };
    }
  }
}

/** SQL for "what this caller may see": every read of studies goes through it, and through the audit trail. */
export class StudyWhere {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  constructor(scope: StudyScope) {
    const { sql, values } = scopeCondition(scope);
    this.add(sql, ...values);
  }

  add(clause: string, ...values: unknown[]): void {
    let sql = clause;
    for (const v of values) {
      this.params.push(v);
      sql = sql.replace('$?', () => `$${this.params.length}`);
    }
    this.clauses.push(sql);
  }

  page(limit: number, offset: number): string {
    this.params.push(limit, offset);
    return `LIMIT $${this.params.length - 1} OFFSET $${this.params.length}`;
  }

  get sql(): string {
    return this.clauses.join(' AND ');
  }
}
