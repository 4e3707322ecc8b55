// What a student sees of the class on any page: the instructor's messages, the « Fin du cours »
// countdown, « Le formateur regarde votre terminal », the keyboard request and who holds it.
import '../styles/classroom.css';
import { startCountdown, type Countdown } from './countdown.ts';
import { el } from '../dom/element.ts';

export interface StudentBanners {
  /** Shows the instructor's message; `onDismiss` runs when the student closes it. */
  message(text: string, onDismiss?: () => void): void;
  error(text: string): void;
  ending(at: string): void;
  /** The class is over for this browser (`title` defaults to « Le cours est terminé »). */
  ended(text: string, title?: string): void;
  watched(watching: boolean): void;
  /** Asks the student; `answer` gets their choice. */
  controlRequest(answer: (accepted: boolean) => void): void;
  /** Who holds the keyboard; `takeBack` is what « Reprendre la main » does. */
  control(holder: 'student' | 'instructor', takeBack: () => void): void;
  dispose(): void;
}

/** The banners over the page, one per thing the class may have to say. */
function overlayMarkup(classTitle: string) {
  const messageText = el('p', { class: 'class-banner-text' });
  const messageBox = el(
    'div',
    { class: 'class-banner', 'data-class-message': true, role: 'status', hidden: true },
    el('strong', {}, 'Message du formateur'),
    messageText,
  );
  const dismiss = el('button', { type: 'button', class: 'class-banner-close', 'aria-label': 'Fermer le message' }, '×');
  messageBox.append(dismiss);

  // A timer role: screen readers do not read every second; the first text is announced below.
  const countdownText = el('p', { class: 'class-banner-text', role: 'timer' });
  const endingBox = el(
    'div',
    { class: 'class-banner ending', 'data-class-countdown': true, hidden: true },
    countdownText,
  );
  const endedTitle = el('strong', {}, 'Le cours est terminé');
  const endedText = el('p', { class: 'class-banner-text' });
  const endedBox = el(
    'div',
    { class: 'class-banner ended', 'data-class-ended': true, role: 'alert', hidden: true },
    endedTitle,
    endedText,
  );
  const watchedBox = el(
    'div',
    { class: 'class-banner watched', 'data-watched-banner': true, role: 'status', hidden: true },
    el('span', { class: 'class-live-dot', 'aria-hidden': 'true' }),
    'Le formateur regarde votre terminal',
  );
  const takeBackButton = el(
    'button',
    { type: 'button', class: 'button', 'data-control-release': true },
    'Reprendre la main',
  );
  const controlBox = el(
    'div',
    { class: 'class-banner control', 'data-control-banner': true, role: 'status', hidden: true },
    el('p', { class: 'class-banner-text' }, 'Le formateur a la main sur votre terminal.'),
    takeBackButton,
  );
  const overlay = el(
    'div',
    { class: 'class-overlay', 'data-class-overlay': true, 'aria-label': `Cours « ${classTitle} »` },
    endedBox,
    endingBox,
    controlBox,
    watchedBox,
    messageBox,
  );

  return {
    overlay,
    messageBox,
    messageText,
    dismiss,
    endingBox,
    countdownText,
    endedBox,
    endedTitle,
    endedText,
    watchedBox,
    controlBox,
    takeBackButton,
  };
}

/** The question « Le formateur voudrait prendre la main »: accepted, refused, or given up. */
function controlDialog() {
  const accept = el('button', { type: 'button', class: 'button', 'data-control-accept': true }, 'Accepter');
  const refuse = el('button', { type: 'button', class: 'button secondary', 'data-control-refuse': true }, 'Refuser');
  const dialog = el(
    'dialog',
    { class: 'class-dialog', 'data-control-dialog': true, 'aria-labelledby': 'class-control-title' },
    el('h2', { id: 'class-control-title' }, 'Le formateur voudrait prendre la main'),
    el(
      'p',
      {},
      'Il pourra taper dans votre terminal pour vous aider. Vous voyez tout ce qu’il fait et pouvez reprendre la main à tout moment.',
    ),
    el('div', { class: 'class-dialog-actions' }, accept, refuse),
  );
  let answerControl: ((accepted: boolean) => void) | undefined;
  const answer = (accepted: boolean) => {
    const callback = answerControl;
    answerControl = undefined;
    if (dialog.open) dialog.close();
    callback?.(accepted);
  };
  accept.addEventListener('click', () => answer(true));
  refuse.addEventListener('click', () => answer(false));
  // Escape closes the dialog: that is a refusal.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    answer(false);
  });
  return {
    dialog,
    answer,
    ask(callback: (accepted: boolean) => void) {
      answerControl = callback;
      if (!dialog.open) dialog.showModal();
      accept.focus();
    },
    /** Answered elsewhere (or given up): the question goes without an answer. */
    withdraw() {
      if (dialog.open) {
        answerControl = undefined;
        dialog.close();
      }
    },
  };
}

export function mountStudentBanners(classTitle: string): StudentBanners {
  const ui = overlayMarkup(classTitle);
  const question = controlDialog();
  document.body.append(ui.overlay, question.dialog);

  let onDismiss: (() => void) | undefined;
  ui.dismiss.addEventListener('click', () => {
    ui.messageBox.hidden = true;
    onDismiss?.();
  });
  let countdown: Countdown | undefined;
  let takeBack: (() => void) | undefined;
  ui.takeBackButton.addEventListener('click', () => takeBack?.());

  return {
    message(text, dismissed) {
      onDismiss = dismissed;
      ui.messageBox.classList.remove('error');
      ui.messageText.textContent = text;
      ui.messageBox.hidden = false;
    },
    error(text) {
      onDismiss = undefined;
      ui.messageBox.classList.add('error');
      ui.messageText.textContent = text;
      ui.messageBox.hidden = false;
    },
    ending(at) {
      countdown?.stop();
      ui.endingBox.hidden = false;
      countdown = startCountdown(ui.countdownText, at, (clock) => `Le cours se termine dans ${clock}`);
    },
    ended(text, title = 'Le cours est terminé') {
      countdown?.stop();
      ui.endedTitle.textContent = title;
      ui.endingBox.hidden = true;
      ui.controlBox.hidden = true;
      ui.watchedBox.hidden = true;
      ui.endedText.textContent = text;
      ui.endedBox.hidden = false;
      question.answer(false);
    },
    watched(watching) {
      ui.watchedBox.hidden = !watching;
    },
    controlRequest(callback) {
      question.ask(callback);
    },
    control(holder, callback) {
      takeBack = callback;
      ui.controlBox.hidden = holder !== 'instructor';
      // A request answered elsewhere (or given up) closes the question.
      question.withdraw();
    },
    dispose() {
      countdown?.stop();
      ui.overlay.remove();
      question.dialog.remove();
    },
  };
}
