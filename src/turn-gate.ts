// Lets background work give way to users: follow-ups of a click (card updates, starting a run) wait until the turns
// in flight are answered, so a burst of clicks is answered first. Bounded, so steady traffic can't starve the work.
export class TurnGate {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(
    /** Idle means no turn for this long (requests of a burst arrive a few ms apart). */
    private readonly quietMs = 20,
    /** Background work waits at most this long. */
    private readonly maxWaitMs = 2000,
  ) {}

  async around<T>(turn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await turn();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) {
        setTimeout(() => this.release(), this.quietMs).unref();
      }
    }
  }

  /** Resolves once no turn is in flight (right away when none is), or after maxWaitMs. */
  idle(): Promise<void> {
    if (this.inFlight === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, this.maxWaitMs);
      timer.unref();
      this.waiters.push(done);
    });
  }

  private release(): void {
    if (this.inFlight === 0) {
      for (const waiter of [...this.waiters]) {
        waiter();
      }
    }
  }
}
