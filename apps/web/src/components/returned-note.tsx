import { useTranslation } from 'react-i18next';
import type { Task } from '../api/types';
import { formatTime } from '../format';

/** Why and when the centre returned a request (退回), for the clinic and the reader alike; nothing otherwise. */
export function ReturnedNote({ task }: { task: Task }) {
  const { t } = useTranslation();
  if (task.state !== 'returned' || !task.returnReason) return null;
  return (
    <p className="error" data-testid="returned-note">
      {t('returns.returned', {
        reason: t(`returns.reasons.${task.returnReason}`),
        time: formatTime(task.returnedAt),
      })}
      {task.returnNote && <span data-testid="return-note">{t('returns.noteShown', { note: task.returnNote })}</span>}
    </p>
  );
}
