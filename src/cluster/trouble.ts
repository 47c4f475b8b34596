// A store outage must not flood the log: the first failure of a kind is a warning, repeats are debug, and the
// recovery is said once.
import type { Logger } from '../logger';

export class Trouble {
  private failing = false;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  failed(err: unknown): void {
    if (this.failing) {
      this.logger.debug({ err }, `${this.what} failed again`);
    } else {
      this.failing = true;
      this.logger.warn({ err }, `${this.what} failed; retried on the next beat`);
    }
  }

  ok(): void {
    if (this.failing) {
      this.failing = false;
      this.logger.info(`${this.what} works again`);
    }
  }
}
