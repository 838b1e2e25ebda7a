import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MdtRoomState } from '@hub/contracts';
import { draftConclusion, getConsultation, signConclusion } from '../../api/consultations';
import { type MdtSocket, sendStored } from '../../api/mdt';
import type { Consultation } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import './consultation.css';

/** How long the chair's typing rests before the draft goes to the room (each draft is one stored room event). */
const DRAFT_PAUSE_MS = 500;
/** The hub's limit on a draft (CONCLUSION_DRAFT_MAX_CHARS). */
const MAX_CHARS = 20_000;

/**
 * The conclusion (会诊意见) in the live room: the chair drafts it (each pause in typing goes to the room as a
 * `conclusion.draft` event, so everyone sees it change) and signs it; the others follow the draft. Once signed it is
 * shown as signed, with the signer, the time and who attended.
 */
export function ConclusionPanel(props: {
  consultation: Consultation | null;
  room: MdtRoomState;
  socket: MdtSocket | null;
  connected: boolean;
  onChange: (consultation: Consultation) => void;
}) {
  const { t } = useTranslation();
  const { consultation } = props;
  useRoomOutcome(consultation, props.room, props.onChange);
  if (!consultation) return null;
  return (
    <div className="card conclusion" data-testid="conclusion">
      <h2>{t('consult.conclusion.heading')}</h2>
      {consultation.conclusion.signed ? (
        <SignedConclusion consultation={consultation} />
      ) : consultation.yourRole === 'chair' ? (
        <ConclusionEditor {...props} consultation={consultation} />
      ) : (
        <DraftView text={props.room.conclusionDraft?.text ?? consultation.conclusion.text} />
      )}
    </div>
  );
}

function DraftView({ text }: { text: string | null | undefined }) {
  const { t } = useTranslation();
  return text ? (
    <>
      <p className="muted">{t('consult.conclusion.drafting')}</p>
      <div className="prose draft" data-testid="conclusion-draft">
        {text}
      </div>
    </>
  ) : (
    <p className="muted" data-testid="conclusion-draft">
      {t('consult.conclusion.noDraft')}
    </p>
  );
}

function ConclusionEditor(props: {
  consultation: Consultation;
  room: MdtRoomState;
  socket: MdtSocket | null;
  connected: boolean;
  onChange: (consultation: Consultation) => void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const { consultation, socket, connected } = props;
  // Until the chair types, the text is the room's latest draft (the chair may have drafted from another window).
  const [typed, setTyped] = useState<string | null>(null);
  const text = typed ?? props.room.conclusionDraft?.text ?? consultation.conclusion.text ?? '';
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** Sends one draft, over the room when connected, else over REST. */
  const send = useCallback(
    async (draft: string) => {
      if (socket && connected) {
        const ack = await sendStored(socket, 'conclusion.draft', { text: draft });
        if (!ack.ok) throw new Error(ack.error);
      } else if (draft.trim()) {
        await draftConclusion(api, consultation.id, draft);
      }
    },
    [api, consultation.id, socket, connected],
  );

  // Drafts go strictly one at a time: a send in flight is awaited before the latest pending text goes, so the room
  // (and the text the hub signs) never sees an older draft after a newer one.
  const sending = useRef<Promise<void> | null>(null);
  const drain = useCallback(async () => {
    setSaving(true);
    try {
      while (pending.current !== null) {
        const draft = pending.current;
        pending.current = null;
        try {
          await send(draft);
        } catch (err) {
          pending.current ??= draft; // not sent: the next pause or the signing sends it again
          throw err;
        }
      }
      setError(null);
    } finally {
      setSaving(pending.current !== null);
    }
  }, [send]);

  /** Resolves once every draft typed so far has been sent (rejects if one could not be). */
  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    while (sending.current || pending.current !== null) {
      sending.current ??= drain().finally(() => {
        sending.current = null;
      });
      await sending.current;
    }
  }, [drain]);

  // Leaving the room (or the chair's editor) sends what was typed but not yet sent instead of dropping it.
  const latestFlush = useRef(flush);
  useEffect(() => {
    latestFlush.current = flush;
  }, [flush]);
  useEffect(
    () => () => {
      void latestFlush.current().catch(() => undefined);
    },
    [],
  );

  const edit = (value: string) => {
    setTyped(value);
    setConfirming(false);
    pending.current = value;
    setSaving(true);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush().catch((err: unknown) => setError(errorMessage(err))), DRAFT_PAUSE_MS);
  };

  const sign = async () => {
    setError(null);
    try {
      await flush();
      await signConclusion(api, consultation.id);
      props.onChange(await getConsultation(api, consultation.id));
    } catch (err) {
      setError(errorMessage(err));
      setConfirming(false);
    }
  };

  const live = consultation.state === 'live';
  return (
    <>
      <textarea
        aria-label={t('consult.conclusion.text')}
        className="conclusion-text"
        rows={6}
        maxLength={MAX_CHARS}
        value={text}
        onChange={(e) => edit(e.target.value)}
        placeholder={t('consult.conclusion.placeholder')}
      />
      <div className="row conclusion-actions">
        <span className="muted" data-testid="draft-status">
          {saving ? t('consult.conclusion.saving') : text ? t('consult.conclusion.shared') : ''}
        </span>
        {!live && <span className="muted">{t('consult.conclusion.signWhenLive')}</span>}
        {confirming ? (
          <>
            <span>{t('consult.conclusion.confirmText')}</span>
            <button type="button" onClick={() => void sign()}>
              {t('consult.conclusion.confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('consult.cancelAction')}
            </button>
          </>
        ) : (
          <button type="button" disabled={!live || !text.trim()} onClick={() => setConfirming(true)}>
            {t('consult.conclusion.sign')}
          </button>
        )}
      </div>
      <ErrorNote error={error} />
    </>
  );
}

/** The signed conclusion: text, signer, time, attendance and the content hash anyone can check. */
export function SignedConclusion({ consultation }: { consultation: Consultation }) {
  const { t } = useTranslation();
  const { conclusion } = consultation;
  const signer =
    consultation.participants?.find((p) => p.userId === conclusion.signedBy)?.displayName ??
    consultation.attendance?.find((a) => a.userId === conclusion.signedBy)?.name ??
    conclusion.signedBy;
  return (
    <div data-testid="signed-conclusion">
      <p className="ok">{t('consult.conclusion.signed')}</p>
      <div className="prose signed-text">{conclusion.text}</div>
      <dl className="facts">
        <dt>{t('consult.conclusion.signedBy')}</dt>
        <dd data-testid="signed-by">{signer}</dd>
        <dt>{t('consult.conclusion.signedAt')}</dt>
        <dd>{formatTime(conclusion.signedAt)}</dd>
        {conclusion.hash && (
          <>
            <dt>{t('consult.conclusion.hash')}</dt>
            <dd className="muted" title={conclusion.hash}>
              {conclusion.hash.slice(0, 16)}…
            </dd>
          </>
        )}
      </dl>
      <h3>{t('consult.conclusion.attendance')}</h3>
      <table className="list" data-testid="attendance">
        <thead>
          <tr>
            <th>{t('consult.name')}</th>
            <th>{t('consult.role')}</th>
            <th>{t('consult.conclusion.joinedAt')}</th>
            <th>{t('consult.conclusion.leftAt')}</th>
          </tr>
        </thead>
        <tbody>
          {(consultation.attendance ?? []).map((a) => (
            <tr key={a.userId} data-testid="attendee">
              <td>{a.name}</td>
              <td>{t(`room.roles.${a.role}`, { defaultValue: a.role })}</td>
              <td>{formatTime(a.firstJoinedAt)}</td>
              <td>{a.lastLeftAt ? formatTime(a.lastLeftAt) : t('consult.conclusion.stillHere')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Signing and ending are HTTP calls (perhaps from another window); the hub tells the room with `conclusion.signed`
 * and `room.closed` events. When the room has heard one the consultation shown does not reflect yet, it is fetched
 * again.
 */
function useRoomOutcome(
  consultation: Consultation | null,
  room: MdtRoomState,
  onChange: (c: Consultation) => void,
): void {
  const { api } = useSession();
  const id = consultation?.id;
  const signedInRoom = room.conclusionSigned !== null && consultation?.conclusion.signed === false;
  const closedInRoom = room.closed !== null && consultation?.state === 'live';
  const behind = signedInRoom || closedInRoom;
  useEffect(() => {
    if (!id || !behind) return;
    let current = true;
    getConsultation(api, id).then(
      (fresh) => {
        if (current) onChange(fresh);
      },
      () => undefined, // shown as it was; the next room event or a reload tries again
    );
    return () => {
      current = false;
    };
  }, [api, id, behind, onChange]);
}
