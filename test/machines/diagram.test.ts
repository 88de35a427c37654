import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { presetCovenants, renderDiagram, timerEventTypes, coordinatorEventTypes } from '../../machines';
import { withDiagram } from '../../scripts/readme-diagram';

test('the README shows the current machine diagram (npm run readme:diagram updates it)', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toBe(withDiagram(readme));
});

test('the diagram draws every state-changing event and every timer, with the covenant terms when given', () => {
  const plain = renderDiagram();
  for (const type of [...timerEventTypes, 'CONTRACT_GETEKEND', 'OMKLAPPEN_AKKOORD', 'TIMEOUT_BEEINDIGD'])
    expect(plain).toContain(type);
  expect(coordinatorEventTypes.filter((t) => plain.includes(t)).length).toBeGreaterThan(15);
  const almere = renderDiagram(presetCovenants.almere);
  expect(almere).toContain('AANBOD_ESCALATIE (P6M after urgency request)');
  expect(almere).toContain('WAAKVLAM_CHECKIN (every P1M)');
  expect(plain).not.toContain('P6M');
});
