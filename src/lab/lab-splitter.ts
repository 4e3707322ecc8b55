// The TP page's splitter: drag (or arrow keys) to share the width between steps and terminal;
// the share is remembered in this browser.
const storageKey = 'cours-docker:split';

export function mountSplitter(root: HTMLElement): void {
  const splitter = root.querySelector<HTMLElement>('[data-splitter]');
  const setWidth = (percent: number) => {
    const clamped = Math.min(75, Math.max(25, percent));
    root.style.setProperty('--steps-width', `${clamped}%`);
    localStorage.setItem(storageKey, String(clamped));
  };
  const saved = Number(localStorage.getItem(storageKey));
  if (saved) setWidth(saved);
  splitter?.addEventListener('pointerdown', (event) => {
    splitter.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) =>
      setWidth(((e.clientX - root.getBoundingClientRect().left) / root.clientWidth) * 100);
    const up = () => {
      splitter.removeEventListener('pointermove', move);
      splitter.removeEventListener('pointerup', up);
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', up);
  });
  splitter?.addEventListener('keydown', (event) => {
    const current = parseFloat(root.style.getPropertyValue('--steps-width')) || 44;
    if (event.key === 'ArrowLeft') setWidth(current - 3);
    if (event.key === 'ArrowRight') setWidth(current + 3);
  });
}
