import { useTranslation } from 'react-i18next';
import type { Priority, TaskSla, TaskState } from '../api/types';

export function PriorityBadge({ priority, referral }: { priority: Priority; referral: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`badge priority-${priority}`}>
      {t(`priority.${priority}`)}
      {referral && ` · ${t('request.referral')}`}
    </span>
  );
}

export function StateBadge({ state, sla }: { state: TaskState; sla?: TaskSla }) {
  const { t } = useTranslation();
  return (
    <span className={`badge state-${state}`} data-testid="state">
      {t(`state.${state}`)}
      {sla && sla !== 'on_time' && sla !== 'met' && <span className={`sla-${sla}`}> · {t(`sla.${sla}`)}</span>}
    </span>
  );
}

export function LiveBadge({ connected }: { connected: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={connected ? 'live on' : 'live'} data-testid="live">
      {connected ? `● ${t('request.live')}` : '○'}
    </span>
  );
}
