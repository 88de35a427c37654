/**
 * The limits on event data that hold before any schema: a cycle is refused wherever it closes, and one object met
 * twice side by side (no cycle: JSON writes it twice) is not, however the walk keeps track of where it is.
 */
import { eventDataProblem } from '../../machines';

test('data that refers to itself is refused, at any depth', () => {
  const loop: Record<string, unknown> = { a: 1 };
  loop.self = loop;
  expect(eventDataProblem(loop)).toBe('the data refers to itself (a cycle)');
  const deep: Record<string, unknown> = { x: { y: [{ z: {} }] } };
  (deep.x as { y: Array<{ z: Record<string, unknown> }> }).y[0]!.z.back = deep.x;
  expect(eventDataProblem(deep)).toBe('the data refers to itself (a cycle)');
  const list: unknown[] = [1];
  list.push([list]);
  expect(eventDataProblem({ list })).toBe('the data refers to itself (a cycle)');
});

test('one object met twice side by side, or in a sibling branch, is no cycle', () => {
  const shared = { district: 'Haven' };
  expect(eventDataProblem({ a: shared, b: shared, c: [shared, { d: shared }] })).toBeUndefined();
  expect(eventDataProblem({ a: { b: { c: {} } }, d: [[], [[]]] })).toBeUndefined();
});
