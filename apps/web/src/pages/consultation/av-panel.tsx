import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MdtParticipant } from '@hub/contracts';
import { type MdtSocket, relaySignal } from '../../api/mdt';
import { errorMessage } from '../../format';
import { useSession } from '../../session';
import { PeerMesh, type RemotePeer } from './peer-mesh';
import './consultation.css';

/**
 * Audio and video among the room's participants over WebRTC, signalled through the hub (`rtc.signal`): once in the
 * room you see and hear those who share theirs; "join audio/video" shares your camera and microphone. Leaving the
 * room hangs up with everyone.
 */
export function AvPanel(props: { socket: MdtSocket | null; connected: boolean; participants: MdtParticipant[] }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const { socket } = props;
  const myId = me?.id ?? null;
  const meshRef = useRef<PeerMesh | null>(null);
  const localRef = useRef<MediaStream | null>(null);
  const [remotes, setRemotes] = useState<RemotePeer[]>([]);
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [micOn, setMicOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!socket || !myId) return;
    const mesh = new PeerMesh(
      myId,
      async (signal) => {
        const ack = await relaySignal(socket, signal);
        if (!ack.ok) throw new Error(ack.error);
      },
      () => setRemotes(mesh.remotes()),
      (err) => setError(errorMessage(err)),
    );
    meshRef.current = mesh;
    mesh.setLocal(localRef.current);
    const onSignal = (signal: Parameters<PeerMesh['handle']>[0]) => void mesh.handle(signal);
    socket.on('rtc.signal', onSignal);
    return () => {
      socket.off('rtc.signal', onSignal);
      mesh.close();
      meshRef.current = null;
      setRemotes([]);
    };
  }, [socket, myId]);

  useEffect(() => {
    meshRef.current?.sync(props.participants.map((p) => p.userId));
  }, [props.participants, socket]);

  // Leaving the room (unmounting) turns the camera and microphone off, also those still being opened (see join).
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      localRef.current?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  const join = async () => {
    setStarting(true);
    setError(null);
    try {
      const stream = await openMedia();
      if (!mounted.current) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      localRef.current = stream;
      setLocal(stream);
      setMicOn(true);
      setCameraOn(stream.getVideoTracks().length > 0);
      meshRef.current?.setLocal(stream);
    } catch (err) {
      setError(t('consult.av.noMedia', { message: errorMessage(err) }));
    } finally {
      setStarting(false);
    }
  };
  const hangUp = () => {
    meshRef.current?.setLocal(null);
    localRef.current?.getTracks().forEach((track) => track.stop());
    localRef.current = null;
    setLocal(null);
  };
  const toggle = (kind: 'audio' | 'video', on: boolean) => {
    const tracks = kind === 'audio' ? local?.getAudioTracks() : local?.getVideoTracks();
    tracks?.forEach((track) => (track.enabled = on));
    (kind === 'audio' ? setMicOn : setCameraOn)(on);
  };

  const nameOf = (userId: string) => props.participants.find((p) => p.userId === userId)?.name ?? userId;
  // Someone who hung up (their tracks removed) or only listens shows no tile.
  const shown = remotes.filter((r) => r.stream && r.stream.getTracks().length > 0);
  return (
    <div className="av-panel card" data-testid="av-panel">
      <div className="av-controls">
        <strong>{t('consult.av.heading')}</strong>
        {local ? (
          <>
            <button type="button" className="secondary" onClick={() => toggle('audio', !micOn)}>
              {micOn ? t('consult.av.mute') : t('consult.av.unmute')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={local.getVideoTracks().length === 0}
              onClick={() => toggle('video', !cameraOn)}
            >
              {cameraOn ? t('consult.av.cameraOff') : t('consult.av.cameraOn')}
            </button>
            <button type="button" onClick={hangUp}>
              {t('consult.av.hangUp')}
            </button>
          </>
        ) : (
          <button type="button" disabled={!props.connected || starting} onClick={() => void join()}>
            {t('consult.av.join')}
          </button>
        )}
        {shown.length === 0 && !local && <span className="muted">{t('consult.av.nobody')}</span>}
        {error && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </div>
      {(local || shown.length > 0) && (
        <div className="av-strip">
          {local && <VideoTile stream={local} label={t('consult.av.you')} muted testId="local-video" />}
          {shown.map((r) => (
            <VideoTile
              key={r.userId}
              stream={r.stream!}
              label={nameOf(r.userId)}
              state={r.state}
              userId={r.userId}
              testId="remote-video"
            />
          ))}
        </div>
      )}
    </div>
  );
}

function VideoTile(props: {
  stream: MediaStream;
  label: string;
  muted?: boolean;
  state?: RTCPeerConnectionState;
  userId?: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== props.stream) ref.current.srcObject = props.stream;
  }, [props.stream]);
  return (
    <figure className="av-tile" data-testid={props.testId} data-user-id={props.userId} data-state={props.state}>
      <video ref={ref} autoPlay playsInline muted={props.muted} />
      <figcaption>
        {props.label}
        {props.state && props.state !== 'connected' && (
          <span className="muted"> · {t(`consult.av.states.${props.state}`)}</span>
        )}
      </figcaption>
    </figure>
  );
}

/** Camera and microphone; a computer without a camera still joins with its microphone. */
async function openMedia(): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  } catch (err) {
    if (err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'OverconstrainedError')) {
      return navigator.mediaDevices.getUserMedia({ audio: true });
    }
    throw err;
  }
}
