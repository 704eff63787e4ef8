/** A counting semaphore whose holders take several permits at once, served in arrival order. */
export class WeightedPermits {
  private available: number;
  private readonly waiting: { count: number; grant: () => void }[] = [];

  constructor(private readonly total: number) {
    this.available = total;
  }

  async run<T>(count: number, section: () => Promise<T>): Promise<T> {
    const taken = Math.min(count, this.total);
    await this.acquire(taken);
    try {
      return await section();
    } finally {
      this.available += taken;
      this.grantWaiting();
    }
  }

  private acquire(count: number): Promise<void> {
    if (this.waiting.length === 0 && this.available >= count) {
      this.available -= count;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ count, grant }));
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.available >= this.waiting[0].count) {
      const next = this.waiting.shift()!;
      this.available -= next.count;
      next.grant();
    }
  }
}
