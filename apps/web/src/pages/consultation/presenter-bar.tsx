import { useTranslation } from 'react-i18next';
import type { MdtRoomState } from '@hub/contracts';
import type { RoomSend } from './room-send';

/**
 * Who presents the shared view, and the hand-over: the presenter hands it to anyone present; the chair may take it
 * (or give it) at any time, e.g. after the presenter left.
 */
export function PresenterBar(props: { room: MdtRoomState; meId: string | null; send: RoomSend | null }) {
  const { t } = useTranslation();
  const { room, meId, send } = props;
  const presenter = room.participants.find((p) => p.userId === room.presenterUserId);
  const iPresent = meId !== null && room.presenterUserId === meId;
  const iChair = room.participants.some((p) => p.userId === meId && p.role === 'chair');
  const others = room.participants.filter((p) => p.userId !== meId);
  const handOver = (toUserId: string) => send && toUserId && void send('presenter.handover', { toUserId });

  return (
    <div className="presenter-bar" data-testid="presenter-bar">
      <span>
        {iPresent
          ? t('sharedView.presenting')
          : presenter
            ? t('sharedView.following', { name: presenter.name })
            : t('sharedView.nobody')}
      </span>
      {!iPresent && iChair && meId && (
        <button type="button" disabled={!send} onClick={() => handOver(meId)}>
          {t('sharedView.present')}
        </button>
      )}
      {(iPresent || iChair) && others.length > 0 && (
        <select
          aria-label={t('sharedView.handOver')}
          value=""
          disabled={!send}
          onChange={(e) => handOver(e.target.value)}
        >
          <option value="">{t('sharedView.handOver')}</option>
          {others.map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
