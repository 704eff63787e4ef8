import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => boolean | Promise<boolean>;
/** What a failing check has to say (which partition is stuck, for how long); undefined: nothing. */
export type ReadinessExplanation = () => unknown;

/**
 * Collects the checks that decide whether a service may receive traffic.
 * Each module registers what it owns (a consumer, a connection, a loaded state).
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly explanations = new Map<string, ReadinessExplanation>();

  register(name: string, check: ReadinessCheck, explain?: ReadinessExplanation): void {
    this.checks.set(name, check);
    if (explain) {
      this.explanations.set(name, explain);
    }
  }

  /** The explanations checks give, by check name; checks with nothing to say are left out. */
  explain(): Record<string, unknown> {
    const details: Record<string, unknown> = {};
    for (const [name, explain] of this.explanations) {
      try {
        const detail = explain();
        if (detail !== undefined) {
          details[name] = detail;
        }
      } catch {
        // an explanation is a courtesy; its check alone decides readiness
      }
    }
    return details;
  }

  async evaluate(): Promise<Record<string, boolean>> {
    const results = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch {
          return [name, false] as const;
        }
      }),
    );
    return Object.fromEntries(results);
  }
}
