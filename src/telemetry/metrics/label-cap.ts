// Bounds the distinct values a metric label may take. Function names are chosen by operators,
// but a loop that creates functions must not grow the scrape without end: past the cap, new
// values are reported as OTHER_LABEL (documented in docs/observability.md).

export const OTHER_LABEL = '__other__';

export class LabelCap {
  private readonly seen = new Set<string>();

  constructor(readonly max: number) {}

  /** The value itself while it is one of the first `max` seen, OTHER_LABEL after that. */
  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }

  /** A deleted function's name no longer takes a place. */
  forget(value: string): void {
    this.seen.delete(value);
  }
}
