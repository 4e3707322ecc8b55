// The WAI-ARIA tabs pattern's keyboard moves, pure: which tab an arrow, Home or End key goes to.

/** The index of the tab `key` moves focus to from `index` among `count` tabs, or undefined when the key is not a tab move. */
export function tabKeyTarget(key: string, index: number, count: number): number | undefined {
  if (count <= 0) return undefined;
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
