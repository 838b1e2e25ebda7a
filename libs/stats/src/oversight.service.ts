import { Injectable } from '@nestjs/common';
import type { CentresOversight, ClinicsOversight, DailyOversight, OversightWindow } from '@hub/contracts';
import { AuditTrail } from '@hub/audit';
import { type Actor, forbidden, shareOf } from '@hub/core';
import { mayOversee, minutes } from './domain/oversight-access.js';
import { type DayWindow, oversightWindow } from './domain/oversight-window.js';
import { OversightRepository } from './oversight.repository.js';

type Query = { from?: string; to?: string };

/** Turnaround, SLA compliance, queue depth and volumes of the caller's consortium, per centre, clinic and day. */
@Injectable()
export class Oversight {
  constructor(
    private readonly figures: OversightRepository,
    private readonly audit: AuditTrail,
  ) {}

  async centres(actor: Actor, query: Query): Promise<CentresOversight> {
    const { consortiumId, window, now } = await this.scope(actor, query, 'centres');
    const rows = await this.figures.centres(consortiumId, window, now);
    return {
      ...stamp(window, now),
      centres: rows.map((r) => ({
        centreId: r.centreId,
        name: r.name,
        discipline: r.discipline,
        hostInstitution: { id: r.hostId, name: r.hostName },
        slaMinutes: { stat: r.slaStat, urgent: r.slaUrgent, routine: r.slaRoutine },
        queue: { stat: r.stat, urgent: r.urgent, routine: r.routine, total: r.total, overdue: r.overdue },
        requested: r.requested,
        signed: r.signed,
        signedWithinSla: r.signedWithinSla,
        slaCompliance: shareOf(r.signedWithinSla, r.signed),
        breached: r.breached,
        returned: r.returned,
        turnaroundMinutes: { p50: minutes(r.p50), p90: minutes(r.p90) },
      })),
    };
  }

  async clinics(actor: Actor, query: Query): Promise<ClinicsOversight> {
    const { consortiumId, window, now } = await this.scope(actor, query, 'clinics');
    const rows = await this.figures.clinics(consortiumId, window, now);
    return {
      ...stamp(window, now),
      clinics: rows.map((r) => ({ ...r, recognitionRate: shareOf(r.recognised, r.decisions) })),
    };
  }

  async daily(actor: Actor, query: Query): Promise<DailyOversight> {
    const { consortiumId, window, now } = await this.scope(actor, query, 'daily');
    const rows = await this.figures.days(consortiumId, window, now);
    return {
      ...stamp(window, now),
      days: rows.map(({ p50, ...r }) => ({ ...r, turnaroundP50Minutes: minutes(p50) })),
    };
  }

  /** The caller's consortium and the window asked for; a refusal is audited (the role guard audits its own). */
  private async scope(actor: Actor, query: Query, view: string) {
    if (!mayOversee(actor)) {
      await this.audit.record({ action: `oversight.${view}`, objectType: 'consortium', outcome: 'denied' });
      throw forbidden("Oversight figures are for a consortium's coordinators, administrators and auditors");
    }
    const now = new Date();
    return { consortiumId: actor.consortiumId, window: oversightWindow(query, now), now };
  }
}

const stamp = (window: DayWindow, now: Date): OversightWindow => ({ ...window, generatedAt: now.toISOString() });
