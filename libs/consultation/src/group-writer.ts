/**
 * Group commit: items submitted while a write is under way wait and go together in the next one, so a busy room log
 * pays one statement and one commit for many events, while a lone event is written at once (after the current turn
 * of the event loop, which lets the events of one burst join it). One write at a time; items keep their order.
 * Pure, no I/O: the write is given.
 */
export class GroupWriter<In, Out> {
  private queue: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  /**
   * @param writeAll writes the items in order and resolves to one result per item, in the same order; when it
   *   throws, every item of that group fails with the error.
   * @param maxGroup most items in one write.
   */
  constructor(
    private readonly writeAll: (items: In[]) => Promise<Out[]>,
    private readonly maxGroup: number,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const out = await this.writeAll(group.map((g) => g.item));
        if (out.length !== group.length)
          throw new Error(`a group write gave ${out.length} results for ${group.length}`);
        group.forEach((g, i) => g.resolve(out[i]!));
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.writing = false;
  }
}
