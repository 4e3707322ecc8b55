// The one front-matter splitter of the content files (decks and TP steps): a YAML header
// between two `---` lines, then the markdown body.
import { parse as parseYaml } from 'yaml';

/** The parsed YAML header and the body after it; undefined when the file has no header. */
export function splitFrontMatter(source: string): { data: unknown; body: string } | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)([\s\S]*)$/.exec(source);
  if (!match) return undefined;
  return { data: parseYaml(match[1] ?? ''), body: match[2] ?? '' };
}
