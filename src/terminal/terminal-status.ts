// The pane's status line: the connection's state, a notice (what is under way, or what went
// wrong), and the time left before the sandbox is removed.
import type { ConnectionState } from './terminal-connection.ts';

const stateLabels: Record<ConnectionState, string> = {
  connecting: 'Connexion…',
  ready: 'Prêt',
  reconnecting: 'Reconnexion…',
  expired: 'Expiré',
  failed: 'Déconnecté',
};

function formatRemaining(ms: number): string {
  if (ms <= 0) return '0 min';
  const minutes = Math.ceil(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}` : `${minutes} min`;
}

export class TerminalStatus {
  /** When the sandbox is removed whatever happens, and when if nothing happens in it (ms). */
  expiresAt = 0;
  idleExpiresAt = 0;
  private readonly root: HTMLElement;
  private readonly status: HTMLElement;
  private readonly timeLabel: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly tick: number;

  constructor(root: HTMLElement, status: HTMLElement, timeLabel: HTMLElement, notice: HTMLElement) {
    this.root = root;
    this.status = status;
    this.timeLabel = timeLabel;
    this.notice = notice;
    this.tick = window.setInterval(() => this.showTime(), 1000);
  }

  setNotice(text: string, kind: 'info' | 'error' = 'info'): void {
    this.notice.textContent = text;
    this.notice.hidden = text === '';
    this.notice.dataset.kind = kind;
  }

  setState(state: ConnectionState, detail?: string): void {
    this.status.textContent = stateLabels[state];
    this.root.dataset.state = state;
    if (state === 'expired' || state === 'failed') this.setNotice(detail ?? '', 'error');
    else if (state === 'ready') this.setNotice('');
  }

  /** The sandbox's limits, as ISO 8601 dates. */
  setLimits(expiresAt: string, idleExpiresAt: string): void {
    this.expiresAt = Date.parse(expiresAt);
    this.idleExpiresAt = Date.parse(idleExpiresAt);
  }

  dispose(): void {
    window.clearInterval(this.tick);
  }

  private showTime(): void {
    const { expiresAt, idleExpiresAt, timeLabel } = this;
    if (!expiresAt) return;
    const now = Date.now();
    const idleLeft = (idleExpiresAt || expiresAt) - now;
    // The idle limit moves with activity: only mention it when it is about to end the session.
    timeLabel.textContent =
      idleLeft < 5 * 60_000 && idleLeft < expiresAt - now
        ? `Inactif : fermeture dans ${formatRemaining(idleLeft)}`
        : `Temps restant : ${formatRemaining(expiresAt - now)}`;
    timeLabel.title = 'Le bac à sable est supprimé à la fin de ce temps, ou plus tôt après une longue inactivité.';
  }
}
