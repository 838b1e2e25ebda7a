/**
 * Who is in which /mdt room on this hub process, by user and socket. A user may have several sockets in a room (two
 * tabs, a phone and a workstation): the room's log says `presence.joined` when the first of them enters and
 * `presence.left` when the last one goes, so the participant list does not flicker when one tab closes.
 *
 * Per process: with several hub replicas (a socket.io adapter between them), each replica counts only its own sockets.
 * A user connected through two replicas at once gets a presence.joined from each (harmless: the fold replaces the
 * participant) and a presence.left when either replica's last socket goes (the participant disappears from the list
 * until their other socket re-joins). Clients of one user normally reach one replica (sticky sessions), so this is
 * accepted rather than paid for with a cross-replica lookup on every join and leave.
 *
 * Synchronous on purpose: "first" and "last" are decided without awaiting, so two sockets of one user arriving or
 * leaving together cannot both see themselves as first or last. Pure, no I/O.
 */
export class MdtRoomPresence {
  /** consultationId → userId → socket ids. */
  private readonly rooms = new Map<string, Map<string, Set<string>>>();

  /** Records the socket in the room; true when it is the user's first socket there (write presence.joined). */
  enter(consultationId: string, userId: string, socketId: string): boolean {
    let users = this.rooms.get(consultationId);
    if (!users) {
      users = new Map();
      this.rooms.set(consultationId, users);
    }
    let sockets = users.get(userId);
    if (!sockets) {
      sockets = new Set();
      users.set(userId, sockets);
    }
    const first = sockets.size === 0;
    sockets.add(socketId);
    return first;
  }

  /**
   * Removes the socket from the room; true when it was the user's last socket there (write presence.left). A socket
   * that was not in the room is not the last of anything: false.
   */
  exit(consultationId: string, userId: string, socketId: string): boolean {
    const users = this.rooms.get(consultationId);
    const sockets = users?.get(userId);
    if (!users || !sockets || !sockets.delete(socketId)) return false;
    if (sockets.size > 0) return false;
    users.delete(userId);
    if (users.size === 0) this.rooms.delete(consultationId);
    return true;
  }

  /** The user's sockets in the room on this process. */
  socketsOf(consultationId: string, userId: string): number {
    return this.rooms.get(consultationId)?.get(userId)?.size ?? 0;
  }

  /** Whether any socket of this process is in the room (its cached state can be dropped when not). */
  occupied(consultationId: string): boolean {
    return this.rooms.has(consultationId);
  }

  /** Users with at least one socket in the room on this process. */
  usersIn(consultationId: string): string[] {
    return [...(this.rooms.get(consultationId)?.keys() ?? [])];
  }
}
