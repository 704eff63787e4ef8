import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

type Labels<L extends string> = { name: string; help: string; labelNames?: readonly L[] };

// Metrics are process-wide; reuse one already registered so several app modules in one
// process (integration tests) do not collide.

/** A Prometheus counter in the default registry, created once per process. */
export function counter<L extends string>(options: Labels<L>): Counter<L> {
  return (register.getSingleMetric(options.name) as Counter<L>) ?? new Counter<L>({ ...options });
}

/**
 * A Prometheus gauge in the default registry, created once per process; `collect` sets its
 * values when it is scraped.
 */
export function gauge<L extends string>(
  options: Labels<L> & { collect?: (this: Gauge<L>) => void },
): Gauge<L> {
  return (register.getSingleMetric(options.name) as Gauge<L>) ?? new Gauge<L>({ ...options });
}

/** A Prometheus histogram in the default registry (seconds unless `buckets` say otherwise), created once per process. */
export function histogram<L extends string>(options: Labels<L> & { buckets?: number[] }): Histogram<L> {
  return (register.getSingleMetric(options.name) as Histogram<L>) ?? new Histogram<L>({ ...options });
}

/** Process metrics (CPU, memory, event loop lag, GC), registered once per process. */
export function collectProcessMetricsOnce(): void {
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) {
    collectDefaultMetrics();
  }
}
