// The Temporary Access Pass between its creation (the temporary-access-pass step) and the requester's own "Show pass"
// click: in this process's memory only. Never logged, stored, audited or posted: a crash loses it, and a new pass is
// created instead (which replaces the old one in Entra ID).
export interface HeldPass {
  /** The pass itself: shown once, to the requester. */
  pass: string;
  /** When Entra ID stops accepting it (ISO). */
  expiresAt: string;
  /** One use only. */
  usableOnce: boolean;
}

export class PassVault {
  private readonly held = new Map<string, HeldPass>();
  private readonly listeners: Array<(requestId: string) => void> = [];

  /** Keeps the pass for the request (a newer one replaces it) and tells the listeners that one is waiting. */
  put(requestId: string, pass: HeldPass): void {
    this.sweep(new Date());
    this.held.set(requestId, pass);
    for (const listener of this.listeners) {
      try {
        listener(requestId);
      } catch {
        // a listener's failure must not lose the pass
      }
    }
  }

  /** The pass, once: taken out of memory. Undefined when none is held (shown already, expired, or lost in a restart). */
  take(requestId: string, now = new Date()): HeldPass | undefined {
    const pass = this.held.get(requestId);
    this.held.delete(requestId);
    return pass && Date.parse(pass.expiresAt) > now.getTime() ? pass : undefined;
  }

  /** Passes Entra no longer accepts leave memory (a pass nobody clicked for must not linger). */
  private sweep(now: Date): void {
    for (const [id, pass] of this.held) {
      if (Date.parse(pass.expiresAt) <= now.getTime()) {
        this.held.delete(id);
      }
    }
  }

  has(requestId: string, now = new Date()): boolean {
    const pass = this.held.get(requestId);
    return pass !== undefined && Date.parse(pass.expiresAt) > now.getTime();
  }

  /** Called with the request id whenever a pass is put (the notifier sends the requester the "Show pass" card). */
  onPut(listener: (requestId: string) => void): void {
    this.listeners.push(listener);
  }
}
