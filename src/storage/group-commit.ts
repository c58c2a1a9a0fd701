// Group commit: writes that arrive together share one commit (one fsync), and each caller's
// promise settles only once the commit that holds its write is done. A write waits for nothing
// but the end of the event loop's current turn (setImmediate): the requests whose bytes arrived
// in the same turn go out together, and the next group forms while one is being written.

/** Rows per commit at most: SQLite takes up to 32,766 bound values per statement. */
const MAX_GROUP = 500;

export class GroupCommit<T> {
  private waiting: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private writing = false;

  /** `writeAll` must write every item in one commit, or none. */
  constructor(private readonly writeAll: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => void this.write());
  }

  private async write() {
    this.scheduled = false;
    this.writing = true;
    const group = this.waiting.splice(0, MAX_GROUP);
    try {
      await this.writeAll(group.map((w) => w.item));
      for (const w of group) w.resolve();
    } catch (err) {
      for (const w of group) w.reject(err);
    } finally {
      this.writing = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}
