/**
 * Writes the traject machine's Mermaid diagram into README.md, between the diagram markers.
 * Run `npm run readme:diagram` after changing the machine; a test fails while the README is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDiagram } from '../machines';

export const diagramStart = '<!-- diagram:start (npm run readme:diagram) -->';
export const diagramEnd = '<!-- diagram:end -->';

/** The README text with the current diagram between the markers. */
export function withDiagram(readme: string): string {
  const start = readme.indexOf(diagramStart);
  const end = readme.indexOf(diagramEnd);
  if (start < 0 || end < start) throw new Error('README.md has no diagram markers');
  return `${readme.slice(0, start + diagramStart.length)}\n\n\`\`\`mermaid\n${renderDiagram()}\`\`\`\n\n${readme.slice(end)}`;
}

if (require.main === module) {
  const path = join(__dirname, '..', '..', 'README.md');
  writeFileSync(path, withDiagram(readFileSync(path, 'utf8')));
  console.log('README.md diagram updated');
}
