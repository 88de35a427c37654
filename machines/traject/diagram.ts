/**
 * The traject machine as a Mermaid state diagram, drawn from the machine itself. With a covenant, the timers are
 * labelled with that covenant's terms.
 */
import type { AnyStateNode } from 'xstate';
import type { Covenant } from '../covenant';
import { timerEventTypes, type TimerEventType } from '../vocabulary';
import { trajectMachine } from './machine';

/** Which covenant term sets each timer, as shown in a diagram. */
function timerLabel(type: TimerEventType, covenant: Covenant): string {
  const t = covenant.terms;
  const labels: Record<TimerEventType, string> = {
    URGENTIEBESLUIT_TERMIJN: `${t.urgencyDecision} after request`,
    AANBOD_HERINNERING: `${t.offerReminder} after urgency request`,
    AANBOD_ESCALATIE: `${t.offerEscalation} after urgency request`,
    KENNISMAKING_TERMIJN: `${t.kennismakingsgesprekWithin} after signing`,
    EVALUATIE_UITNODIGING: `every ${t.evaluatiegesprekInterval}`,
    EVALUATIE_TERMIJN: `${t.evaluatiegesprekWithin} after invitation`,
    OVERLAST_REACTIETERMIJN: `${t.nuisanceFirstResponseWorkingDays} working days`,
    OVERLAST_ESCALATIETERMIJN: `${t.nuisanceEscalationWorkingDays} working days`,
    HUURACHTERSTAND_OPVOLGING: `${t.rentArrearsFollowUp} after signal`,
    WAAKVLAM_CHECKIN: `every ${t.waakvlamCheckIn}`,
  };
  return labels[type];
}

const isTimer = (type: string): type is TimerEventType =>
  (timerEventTypes as readonly string[]).includes(type);
const idOf = (node: AnyStateNode) => node.path.join('_') || 'traject';

function guardName(guard: unknown): string | undefined {
  if (!guard) return undefined;
  return typeof guard === 'string' ? guard : (guard as { type?: string }).type;
}

function edgeLabel(eventType: string, guard: unknown, covenant?: Covenant): string {
  const name = guardName(guard);
  const label = name ? `${eventType} [${name}]` : eventType;
  return covenant && isTimer(eventType) ? `${label} (${timerLabel(eventType, covenant)})` : label;
}

/** State declarations, nested as in the machine, with initial and final markers. */
function declare(node: AnyStateNode, indent: string, out: string[]): void {
  for (const child of Object.values(node.states) as AnyStateNode[]) {
    const id = idOf(child);
    if (child.type === 'compound' || child.type === 'parallel') {
      out.push(`${indent}state "${child.key}" as ${id} {`);
      declare(child, `${indent}  `, out);
      out.push(`${indent}}`);
    } else {
      out.push(`${indent}state "${child.type === 'history' ? 'history' : child.key}" as ${id}`);
    }
  }
  const initial = node.initial?.target?.[0] as AnyStateNode | undefined;
  if (initial) out.push(`${indent}[*] --> ${idOf(initial)}`);
}

/** Every transition that changes state, and every timer (drawn as a loop when it only acts). */
function edges(node: AnyStateNode, covenant: Covenant | undefined, out: string[]): void {
  for (const [eventType, transitions] of node.transitions) {
    for (const transition of transitions) {
      const targets = (transition.target ?? []) as AnyStateNode[];
      if (targets.length === 0 && !isTimer(eventType)) continue; // bookkeeping within a state
      for (const target of targets.length ? targets : [node]) {
        out.push(`  ${idOf(node)} --> ${idOf(target)} : ${edgeLabel(eventType, transition.guard, covenant)}`);
      }
    }
  }
  if (node.type === 'final') out.push(`  ${idOf(node)} --> [*]`);
  for (const child of Object.values(node.states) as AnyStateNode[]) edges(child, covenant, out);
}

/** Renders the machine as Mermaid `stateDiagram-v2` text. */
export function renderDiagram(covenant?: Covenant): string {
  const out: string[] = ['stateDiagram-v2'];
  declare(trajectMachine.root, '  ', out);
  edges(trajectMachine.root, covenant, out);
  return out.join('\n') + '\n';
}
