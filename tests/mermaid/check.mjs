// Parses the first ```mermaid block of each Markdown file given, with Mermaid's own
// parser; prints one line per file and exits 1 if any diagram does not parse.
import { JSDOM } from 'jsdom';
import fs from 'fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import('mermaid')).default;
mermaid.initialize({ startOnLoad: false });

let bad = 0;
let parsed = 0;
for (const file of process.argv.slice(2)) {
  const m = fs.readFileSync(file, 'utf8').match(/```mermaid\n([\s\S]*?)```/);
  if (!m) continue;
  try {
    await mermaid.parse(m[1]);
    parsed++;
  } catch (e) {
    bad++;
    console.log(`FAIL ${file}: ${String(e.message || e).slice(0, 600)}`);
  }
}
console.log(`parsed ${parsed}, failed ${bad}`);
process.exit(bad ? 1 : 0);
