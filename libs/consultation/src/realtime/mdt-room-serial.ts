/**
 * Runs async tasks one after another per key, in the order they were queued; different keys run concurrently.
 * The /mdt gateway queues a socket's events under the socket's id, so a client that sends annotation.add and then
 * annotation.update without waiting for the first ack gets them stored (and numbered) in that order, and queues a
 * user's presence changes in a room under room + user, so a quick leave and re-join are logged in the order they
 * happened. A failed task does not stop the ones after it. Pure, no I/O.
 */
export class MdtRoomSerial {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves when everything queued so far has settled (for a graceful shutdown). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
