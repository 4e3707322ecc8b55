// The dashboard's header and messages: what to project so that students join (link, code, QR),
// the seats taken, when the class ends, and the notices the instructor's actions give.
import type { ClassDetail } from '../../shared/contract.ts';
import { required } from '../dom/element.ts';
import { startCountdown, type Countdown } from './countdown.ts';
import { formatDateTime, plural } from './format.ts';

export type Notify = (text: string, kind?: 'info' | 'error') => void;

/** Fills the header; gives back how to show the seats taken. */
export function renderHeader(root: HTMLElement, detail: ClassDetail): (used: number) => void {
  required(root, '[data-class-title]').textContent = detail.title;
  const joinHref = `${window.location.origin}/rejoindre/?code=${encodeURIComponent(detail.code)}`;
  const joinLink = required<HTMLAnchorElement>(root, '[data-join-link]');
  joinLink.href = joinHref;
  joinLink.textContent = joinHref.replace(/^https?:\/\//, '');
  required(root, '[data-join-code]').textContent = detail.code;
  const qr = `/api/classes/${detail.id}/qr.svg`;
  required<HTMLImageElement>(root, '[data-join-qr]').src = qr;
  const projectDialog = required<HTMLDialogElement>(root, '[data-project-dialog]');
  required(projectDialog, '[data-project-code-text]').textContent = detail.code;
  required(projectDialog, '[data-project-host]').textContent = `${window.location.host}/rejoindre`;
  required(root, '[data-project-code]').addEventListener('click', () => {
    required<HTMLImageElement>(projectDialog, '[data-project-qr]').src = qr;
    projectDialog.showModal();
  });
  const seats = required(root, '[data-class-seats]');
  const showSeats = (used: number) => (seats.textContent = `${used} / ${plural(detail.seats, 'place')}`);
  showSeats(detail.members.length);
  return showSeats;
}

/** The notice line: an information goes away after 8 s, an error stays. */
export function mountNotice(root: HTMLElement): Notify {
  const noticeBox = required(root, '[data-dashboard-notice]');
  let noticeTimer = 0;
  return (text, kind = 'info') => {
    noticeBox.textContent = text;
    noticeBox.dataset.kind = kind;
    noticeBox.hidden = false;
    window.clearTimeout(noticeTimer);
    if (kind === 'info') noticeTimer = window.setTimeout(() => (noticeBox.hidden = true), 8000);
  };
}

/** When the class ends: planned, counting down once the instructor ends it, then over. */
export class ClassEnd {
  over = false;
  private readonly label: HTMLElement;
  private readonly root: HTMLElement;
  private readonly onEnded: () => void;
  private countdown: Countdown | undefined;

  constructor(root: HTMLElement, onEnded: () => void) {
    this.root = root;
    this.label = required(root, '[data-class-end]');
    this.onEnded = onEnded;
  }

  planned(endsAt: string): void {
    this.label.textContent = `Fin prévue : ${formatDateTime(endsAt)}`;
  }

  ending(at: string): void {
    this.countdown?.stop();
    this.countdown = startCountdown(this.label, at, (clock) => `Le cours se termine dans ${clock}`);
  }

  ended(): void {
    this.over = true;
    this.countdown?.stop();
    this.label.textContent = 'Cours terminé';
    this.root.dataset.ended = 'true';
    this.onEnded();
  }
}
