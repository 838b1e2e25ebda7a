import type { RtcSignalDelivery, RtcSignalKind, RtcSignalPayload } from '@hub/contracts';

/** What the UI shows of one other participant's connection. */
export interface RemotePeer {
  userId: string;
  /** Their camera and microphone, once a track has arrived (null before). */
  stream: MediaStream | null;
  state: RTCPeerConnectionState;
}

interface Peer {
  userId: string;
  pc: RTCPeerConnection;
  /** This connection's id, sent with every signal, so the other side can tell a fresh connection from a stale one. */
  session: string;
  /** The other side's connection id, once one of its offers or answers was taken. */
  remoteSession: string | null;
  /** Perfect negotiation: on an offer collision the polite side gives way, the impolite one ignores the other's. */
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  /** Candidates that came before the remote description they belong to. */
  early: RTCIceCandidateInit[];
  stream: MediaStream | null;
}

/**
 * A full mesh of RTCPeerConnections, one per other participant, negotiated with the "perfect negotiation" pattern
 * over the hub's `rtc.signal` relay. Whoever sends media offers to everyone present; whoever is offered answers (also
 * without media of their own, to see and hear the others), so the side that joins audio/video later just adds its
 * tracks and renegotiates. Each signal's payload is the browser's description or candidate plus `session`, the
 * sending connection's id: an offer from a new session (the other side reloaded or rebuilt its connection) replaces
 * ours, and signals of a connection that is gone are dropped.
 */
export class PeerMesh {
  private readonly peers = new Map<string, Peer>();
  private local: MediaStream | null = null;
  private present = new Set<string>();
  private closed = false;

  constructor(
    private readonly myUserId: string,
    private readonly send: (signal: RtcSignalPayload) => Promise<void>,
    private readonly onChange: () => void,
    private readonly onError: (err: unknown) => void,
    private readonly config: RTCConfiguration = {},
  ) {}

  remotes(): RemotePeer[] {
    return [...this.peers.values()].map((p) => ({ userId: p.userId, stream: p.stream, state: p.pc.connectionState }));
  }

  /** Starts (a stream) or stops (null) sending our media to everyone present; others keep sending theirs. */
  setLocal(stream: MediaStream | null): void {
    const before = this.local;
    this.local = stream;
    for (const peer of this.peers.values()) {
      for (const sender of peer.pc.getSenders()) {
        if (sender.track && before?.getTracks().includes(sender.track)) peer.pc.removeTrack(sender);
      }
      if (stream) this.addTracks(peer);
    }
    if (stream) for (const userId of this.present) if (!this.peers.has(userId)) this.create(userId);
  }

  /**
   * Who is in the room now (others than us). A participant seen present before and gone now loses their connection;
   * one who came is offered our media, if we send any. (Someone who offers before their presence reaches us is
   * answered anyway: they are kept until they have been seen present and then gone.)
   */
  sync(present: readonly string[]): void {
    const now = new Set(present.filter((id) => id !== this.myUserId));
    for (const userId of this.present) if (!now.has(userId)) this.drop(userId);
    this.present = now;
    if (this.local) for (const userId of now) if (!this.peers.has(userId)) this.create(userId);
    this.onChange();
  }

  async handle(signal: RtcSignalDelivery): Promise<void> {
    if (this.closed) return;
    const { session, ...rest } = signal.payload;
    if (typeof session !== 'string') return;
    const body: unknown = rest;
    try {
      if (signal.kind === 'offer') await this.takeOffer(signal.fromUserId, session, body as RTCSessionDescriptionInit);
      else if (signal.kind === 'answer')
        await this.takeAnswer(signal.fromUserId, session, body as RTCSessionDescriptionInit);
      else await this.takeCandidate(signal.fromUserId, session, body as RTCIceCandidateInit);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Hangs up with everyone (leaving the room); our media tracks are the caller's to stop. */
  close(): void {
    this.closed = true;
    for (const userId of [...this.peers.keys()]) this.drop(userId);
  }

  private async takeOffer(from: string, session: string, offer: RTCSessionDescriptionInit): Promise<void> {
    let peer = this.peers.get(from);
    if (peer && peer.remoteSession !== null && peer.remoteSession !== session) {
      this.drop(from); // the other side started a new connection: ours belongs to the old one
      peer = undefined;
    }
    peer ??= this.create(from);
    const collision = peer.makingOffer || peer.pc.signalingState !== 'stable';
    peer.ignoreOffer = !peer.polite && collision;
    if (peer.ignoreOffer) return;
    peer.remoteSession = session;
    await peer.pc.setRemoteDescription(offer); // rolls our own offer back on a collision
    await this.addEarlyCandidates(peer);
    await peer.pc.setLocalDescription();
    await this.signal(peer, 'answer', peer.pc.localDescription!.toJSON());
  }

  private async takeAnswer(from: string, session: string, answer: RTCSessionDescriptionInit): Promise<void> {
    const peer = this.peers.get(from);
    if (!peer || peer.pc.signalingState !== 'have-local-offer') return; // an answer to an offer we no longer have
    if (peer.remoteSession !== null && peer.remoteSession !== session) return;
    peer.remoteSession = session;
    await peer.pc.setRemoteDescription(answer);
    await this.addEarlyCandidates(peer);
  }

  private async takeCandidate(from: string, session: string, candidate: RTCIceCandidateInit): Promise<void> {
    const peer = this.peers.get(from);
    if (!peer || (peer.remoteSession !== null && peer.remoteSession !== session)) return;
    if (!peer.pc.remoteDescription) {
      peer.early.push(candidate);
      return;
    }
    try {
      await peer.pc.addIceCandidate(candidate);
    } catch (err) {
      if (!peer.ignoreOffer) throw err; // a candidate of the offer we ignored is expected to fail
    }
  }

  private async addEarlyCandidates(peer: Peer): Promise<void> {
    const early = peer.early.splice(0);
    for (const candidate of early) await peer.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  private create(userId: string): Peer {
    const pc = new RTCPeerConnection(this.config);
    const peer: Peer = {
      userId,
      pc,
      session: crypto.randomUUID(),
      remoteSession: null,
      polite: this.myUserId > userId,
      makingOffer: false,
      ignoreOffer: false,
      early: [],
      stream: null,
    };
    this.peers.set(userId, peer);
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? peer.stream ?? new MediaStream();
      if (!stream.getTracks().includes(track)) stream.addTrack(track);
      if (peer.stream !== stream) {
        stream.addEventListener('removetrack', this.onChange);
        peer.stream = stream;
      }
      this.onChange();
    };
    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        await this.signal(peer, 'offer', pc.localDescription!.toJSON());
      } catch (err) {
        this.onError(err);
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) void this.signal(peer, 'ice', candidate.toJSON()).catch(this.onError);
    };
    pc.onconnectionstatechange = () => {
      // A connection the other side dropped (it reloaded, or hung up while we missed it) is rebuilt afresh.
      if (pc.connectionState === 'failed' && this.peers.get(userId) === peer && !this.closed) {
        this.drop(userId);
        if (this.local && this.present.has(userId)) this.create(userId);
      }
      this.onChange();
    };
    this.addTracks(peer);
    this.onChange();
    return peer;
  }

  private addTracks(peer: Peer): void {
    const local = this.local;
    if (!local) return;
    const sending = new Set(peer.pc.getSenders().map((s) => s.track));
    for (const track of local.getTracks()) if (!sending.has(track)) peer.pc.addTrack(track, local);
  }

  private drop(userId: string): void {
    const peer = this.peers.get(userId);
    if (!peer) return;
    this.peers.delete(userId);
    peer.stream?.removeEventListener('removetrack', this.onChange);
    peer.pc.ontrack = peer.pc.onnegotiationneeded = peer.pc.onicecandidate = peer.pc.onconnectionstatechange = null;
    peer.pc.close();
    this.onChange();
  }

  private signal(
    peer: Peer,
    kind: RtcSignalKind,
    payload: RTCSessionDescriptionInit | RTCIceCandidateInit,
  ): Promise<void> {
    return this.send({ toUserId: peer.userId, kind, payload: { ...payload, session: peer.session } });
  }
}
