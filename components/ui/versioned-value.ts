/**
 * A value edited here and also rendered by the server: the server's value wins only when its
 * version (the record's `updatedAt`) is at least that of this tab's last save and no save is on
 * its way. A refresh started before a save can land after it; without the check its older value
 * undid the save on screen, and the next edit built on that and overwrote the save in the
 * database (CI lost a label so: ticked, then a label created on the spot was saved alone).
 */
export class VersionedValue<T> {
  private saving = 0;
  constructor(
    public current: T,
    private version: string,
    private readonly same: (a: T, b: T) => boolean,
  ) {}

  /** A server render arrived; true when it replaced what is shown. */
  serverRendered(value: T, version: string): boolean {
    if (this.saving > 0 || Date.parse(version) < Date.parse(this.version)) return false;
    this.version = version;
    if (this.same(this.current, value)) return false;
    this.current = value;
    return true;
  }

  /** Shows `next` at once; returns what to call with the saved version (null: the save failed, put back what was there). */
  begin(next: T): (savedVersion: string | null) => void {
    const previous = this.current;
    this.current = next;
    this.saving += 1;
    return (savedVersion) => {
      this.saving -= 1;
      if (savedVersion === null) {
        if (this.current === next) this.current = previous;
      } else if (Date.parse(savedVersion) > Date.parse(this.version)) this.version = savedVersion;
    };
  }
}
