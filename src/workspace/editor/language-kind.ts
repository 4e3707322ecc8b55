// Which highlighting a file gets, from its name alone: Dockerfile, shell, HTML, YAML, Go or plain
// text. Pure (no CodeMirror), so the naming rules are unit-tested.
import { baseName } from './paths.ts';

export type LanguageKind = 'dockerfile' | 'shell' | 'html' | 'yaml' | 'go' | 'text';

/** The French name shown beside the file's path. */
export const languageLabels: Record<LanguageKind, string> = {
  dockerfile: 'Dockerfile',
  shell: 'Shell',
  html: 'HTML',
  yaml: 'YAML',
  go: 'Go',
  text: 'Texte',
};

const shellNames = new Set(['.bashrc', '.bash_profile', '.bash_aliases', '.bash_logout', '.profile']);

export function languageKind(path: string): LanguageKind {
  const name = baseName(path);
  const lower = name.toLowerCase();
  // Dockerfile.dev, Dockerfile.prod… and app.dockerfile; Containerfile is Podman's name for it.
  if (lower === 'dockerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (lower === 'containerfile') return 'dockerfile';
  if (shellNames.has(lower) || /\.(sh|bash)$/.test(lower)) return 'shell';
  if (/\.html?$/.test(lower)) return 'html';
  // compose.yaml, docker-compose.yml, docker-compose.override.yml: all end in .yml or .yaml.
  if (/\.ya?ml$/.test(lower)) return 'yaml';
  if (lower.endsWith('.go')) return 'go';
  return 'text';
}
