/**
 * Watches the deliveries the activities make, so that a benchmark coordinator can act when the traject asks it to
 * (hold the evaluatiegesprek once invited) instead of guessing when a durable timer fired. It wraps the real
 * activities; both workers use the same wrapped set.
 */
import type { TenancyActivities } from '../activities';

interface Waiter {
  key: string;
  count: number;
  resolve: () => void;
}

export class DeliveryObserver {
  /** Per workflow: per kind, the ids of the deliveries made (a retried delivery keeps its id). */
  private readonly seen = new Map<string, Map<string, Set<string>>>();
  private readonly waiters = new Map<string, Waiter[]>();

  /**
   * The activities, each recording its delivery once it is done, by kind: `invitation:evaluatiegesprek`,
   * `confirmation:kennismakingsgesprek`, `notification:waakvlamContact`, `escalation:aanbodTeLaat`, …
   */
  wrap(activities: TenancyActivities): TenancyActivities {
    return {
      sendInvitation: async (input) => {
        const result = await activities.sendInvitation(input);
        this.record(
          input.workflowId,
          `${input.sequence === 0 ? 'invitation' : 'confirmation'}:${input.meeting}`,
          input.id,
        );
        return result;
      },
      sendNotification: async (input) => {
        const result = await activities.sendNotification(input);
        this.record(input.workflowId, `notification:${input.subject}`, input.id);
        return result;
      },
      sendEscalation: async (input) => {
        const result = await activities.sendEscalation(input);
        this.record(input.workflowId, `escalation:${input.kind}`, input.id);
        return result;
      },
      recordTrajectFacts: (input) => activities.recordTrajectFacts(input),
    };
  }

  /** How many deliveries of this kind (or, ending in ':', of kinds with this prefix) a workflow made. */
  count(workflowId: string, key: string): number {
    const kinds = this.seen.get(workflowId);
    if (!kinds) return 0;
    if (!key.endsWith(':')) return kinds.get(key)?.size ?? 0;
    let total = 0;
    for (const [kind, ids] of kinds) if (kind.startsWith(key)) total += ids.size;
    return total;
  }

  /** Resolves once the workflow made `count` deliveries of this kind; rejects after `timeoutMs`. */
  waitFor(workflowId: string, key: string, count: number, timeoutMs: number): Promise<void> {
    if (this.count(workflowId, key) >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(workflowId) ?? [];
        this.waiters.set(
          workflowId,
          list.filter((w) => w !== waiter),
        );
        reject(new Error(`no ${key} #${count} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        key,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.set(workflowId, [...(this.waiters.get(workflowId) ?? []), waiter]);
    });
  }

  /** Drops what was recorded for a workflow whose traject the benchmark is done with. */
  forget(workflowId: string): void {
    this.seen.delete(workflowId);
    this.waiters.delete(workflowId);
  }

  private record(workflowId: string, key: string, id: string): void {
    let kinds = this.seen.get(workflowId);
    if (!kinds) this.seen.set(workflowId, (kinds = new Map<string, Set<string>>()));
    let ids = kinds.get(key);
    if (!ids) kinds.set(key, (ids = new Set<string>()));
    ids.add(id);
    const waiting = this.waiters.get(workflowId);
    if (!waiting) return;
    const ready = waiting.filter((w) => w.key === key && ids.size >= w.count);
    if (ready.length === 0) return;
    this.waiters.set(
      workflowId,
      waiting.filter((w) => !ready.includes(w)),
    );
    for (const w of ready) w.resolve();
  }
}
