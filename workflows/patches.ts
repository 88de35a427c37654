/**
 * The workflow's changes guarded by `patched(id)`: a traject started before a change replays and runs as it was
 * recorded; one started after it records the patch marker in its history, which the audit timeline reads back.
 */
import type { TrajectRules } from '../machines';

export const patches = {
  /** Open escalations lapse at omklappen (meetings) and at the end of a traject (all); issue 16, item 13. */
  escalationsLapse: 'escalations-lapse',
  /**
   * A smaller history (issue 14): updates answer with a receipt instead of the whole status, search attributes are
   * upserted only where a value changed, and the run continues as new at 400 events rather than 300. Decided once
   * per run, at its start.
   */
  slimHistory: 'slim-history',
  /**
   * The traject feeds the evaluation's read model (workflows/facts.ts); issue 18. A traject started before it, or
   * continued from a run that did not feed it, stays out of the read model.
   */
  readModel: 'evaluation-read-model',
} as const;

/**
 * The machine rules of a traject, from the patches its workflow took up at start: `patched` in the workflow, the
 * markers of its history in the timeline.
 */
export function rulesFor(isPatched: (id: string) => boolean): TrajectRules | undefined {
  return isPatched(patches.escalationsLapse) ? { escalationsLapse: true } : undefined;
}
