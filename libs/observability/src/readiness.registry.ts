import { Inject, Injectable, Optional } from '@nestjs/common';

export type ReadinessCheck = () => boolean | Promise<boolean>;
/** What a failing check has to say (which partition is stuck, for how long); undefined: nothing. */
export type ReadinessExplanation = () => unknown;

/** How long one probe waits for a check; a check that has not answered by then counts as not ready. */
export const READINESS_CHECK_DEADLINE_MS = 1_000;
/** Injection token of another deadline (tests). */
export const READINESS_CHECK_DEADLINE = Symbol('READINESS_CHECK_DEADLINE');

/**
 * Collects the checks that decide whether a service may receive traffic.
 * Each module registers what it owns (a consumer, a connection, a loaded state).
 *
 * A probe answers within the deadline whatever a dependency does: a check that hangs (a wedged
 * store never answers its ping) is not ready, and is not started again while it still runs, so
 * probes do not pile up calls on the dependency that hangs.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly explanations = new Map<string, ReadinessExplanation>();
  private readonly running = new Map<string, Promise<boolean>>();

  constructor(
    @Optional()
    @Inject(READINESS_CHECK_DEADLINE)
    private readonly deadlineMs: number = READINESS_CHECK_DEADLINE_MS,
  ) {}

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
      [...this.checks.keys()].map(async (name) => [name, await this.withinDeadline(name)] as const),
    );
    return Object.fromEntries(results);
  }

  private withinDeadline(name: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.deadlineMs);
    });
    return Promise.race([this.runOnce(name), deadline]).finally(() => clearTimeout(timer));
  }

  /** The check's answer; a probe that comes while it still runs shares the call in flight. */
  private runOnce(name: string): Promise<boolean> {
    const inFlight = this.running.get(name);
    if (inFlight) {
      return inFlight;
    }
    const check = this.checks.get(name)!;
    const answer = Promise.resolve()
      .then(check)
      .then(
        (ready) => ready === true,
        () => false,
      )
      .finally(() => this.running.delete(name));
    this.running.set(name, answer);
    return answer;
  }
}
