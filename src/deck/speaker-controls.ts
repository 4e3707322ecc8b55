// The speaker view driving the deck window: keys and buttons (reveal.js calls posted to it), the
// timer and clock, the help, and the layout remembered in this browser.
import {
  actionForKey,
  formatClock,
  formatElapsed,
  readLayout,
  revealCall,
  type SpeakerAction,
} from './speaker-protocol.ts';
import { deckWindow, element } from './speaker-window.ts';

const layoutKey = 'cours-docker:presentateur:disposition';

/** Wires the controls; gives back the clock's tick, for the view's one-second beat. */
export function mountControls(root: HTMLElement, sectionSizes: number[]): () => void {
  const help = element<HTMLDialogElement>('speaker-help');
  const timerValue = element('speaker-timer-value');
  const clockValue = element('speaker-clock-value');
  let timerStart = Date.now();
  const tick = () => {
    const now = new Date();
    timerValue.textContent = formatElapsed(now.getTime() - timerStart);
    clockValue.textContent = formatClock(now);
    clockValue.setAttribute('datetime', now.toISOString());
  };
  const resetTimer = () => {
    timerStart = Date.now();
    tick();
  };

  const run = (action: SpeakerAction) => {
    switch (action.kind) {
      case 'deck':
        deckWindow()?.postMessage(
          revealCall(action.method, 'args' in action ? action.args : []),
          window.location.origin,
        );
        break;
      case 'reset-timer':
        resetTimer();
        break;
      case 'help':
        if (!help.open) help.showModal();
        break;
    }
  };

  document.addEventListener('keydown', (event) => {
    if (help.open || event.defaultPrevented) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    // Let form controls keep their own keys, and a focused button its Space and Enter.
    if (target?.closest('select, input, textarea')) return;
    if (target?.closest('button') && (event.key === ' ' || event.key === 'Enter')) return;
    const action = actionForKey(event, sectionSizes.length);
    if (!action) return;
    event.preventDefault();
    run(action);
  });
  element('speaker-prev').addEventListener('click', () => run({ kind: 'deck', method: 'prev' }));
  element('speaker-next').addEventListener('click', () => run({ kind: 'deck', method: 'next' }));
  element('speaker-pause').addEventListener('click', () => run({ kind: 'deck', method: 'togglePause' }));
  element('speaker-timer').addEventListener('click', resetTimer);
  element('speaker-help-button').addEventListener('click', () => run({ kind: 'help' }));
  element('speaker-help-close').addEventListener('click', () => help.close());
  mountLayout(root);
  return tick;
}

function mountLayout(root: HTMLElement): void {
  const layoutSelect = element<HTMLSelectElement>('speaker-layout-select');
  const setLayout = (value: string | null) => {
    const layout = readLayout(value);
    root.dataset.layout = layout;
    layoutSelect.value = layout;
    try {
      localStorage.setItem(layoutKey, layout);
    } catch {
      // Storage refused (private mode): the layout simply is not remembered.
    }
  };
  layoutSelect.addEventListener('change', () => setLayout(layoutSelect.value));
  const savedLayout = (() => {
    try {
      return localStorage.getItem(layoutKey);
    } catch {
      return null;
    }
  })();
  setLayout(savedLayout);
}
