// The dashboard's side of the class feed: each message the server pushes (the snapshot, a
// student's row, failures, control of a terminal, the end of the class) applied to the page.
import type { Dashboard, DashboardStudent, FeedServerMessage } from '../../shared/contract.ts';
import { closeCodes } from '../../shared/limits.ts';
import { required } from '../dom/element.ts';
import type { ClassActions } from './class-actions.ts';
import type { ClassEnd, Notify } from './dashboard-header.ts';
import { FeedSocket, type FeedState } from './feed-socket.ts';
import type { StudentTable } from './student-table.ts';
import type { WatchPanel } from './watch-terminal.ts';

const feedLabels: Record<FeedState, string> = {
  connecting: 'Connexion…',
  ready: 'En direct',
  reconnecting: 'Reconnexion…',
  closed: 'Déconnecté',
};

/** What the feed's messages change on the page. */
export interface DashboardView {
  table: StudentTable;
  watch: WatchPanel;
  actions: ClassActions;
  end: ClassEnd;
  notify: Notify;
  showSeats: (used: number) => void;
  showFailures: (groups: Dashboard['failures']) => void;
}

/** A whole snapshot of the class: on load, and whenever the server sends one. */
export function applySnapshot(view: DashboardView, dashboard: Dashboard): void {
  view.table.replaceAll(dashboard.students);
  view.showSeats(dashboard.students.length);
  view.showFailures(dashboard.failures);
  view.actions.setLocked(dashboard.class.locked === true);
  if (dashboard.class.endedAt) view.end.ended();
}

function onStudent(view: DashboardView, student: DashboardStudent): void {
  const { table, watch } = view;
  const before = table.get(student.learner);
  table.upsert(student);
  if (!before) view.showSeats(table.size);
  // The watched student opened another session (a reset): watch that one.
  if (watch.learner === student.learner && student.session && student.session !== before?.session) {
    watch.open({ ...student, session: student.session });
  }
}

function onControl(view: DashboardView, message: FeedServerMessage): void {
  const { table, watch, notify } = view;
  const nameOf = (learner: string) => table.get(learner)?.name ?? 'L’élève';
  if (message.type === 'control') {
    const before = table.get(message.learner)?.control;
    table.setControl(message.learner, message.holder === 'instructor');
    if (watch.learner === message.learner) watch.setHolder(message.holder);
    if (before && message.holder === 'student') notify(`${nameOf(message.learner)} a repris la main.`);
  } else if (message.type === 'control-answer') {
    table.setPending(message.learner, false);
    notify(
      message.accepted
        ? `${nameOf(message.learner)} vous donne la main.`
        : `${nameOf(message.learner)} a refusé de vous donner la main.`,
      message.accepted ? 'info' : 'error',
    );
  }
}

export function onFeedMessage(view: DashboardView, message: FeedServerMessage): void {
  switch (message.type) {
    case 'ready':
      if (message.role !== 'instructor') view.notify('Ce navigateur n’est pas connecté comme formateur.', 'error');
      if (message.class.endedAt) view.end.ended();
      break;
    case 'dashboard':
      applySnapshot(view, message);
      break;
    case 'student':
      onStudent(view, message.student);
      break;
    case 'failures':
      view.showFailures(message.failures);
      break;
    case 'control':
    case 'control-answer':
      onControl(view, message);
      break;
    case 'ending':
      if (!view.end.over) view.end.ending(new Date(Date.now() + message.seconds * 1000).toISOString());
      break;
    case 'ended':
      view.end.ended();
      break;
    case 'error':
      view.notify(message.message, 'error');
      break;
    default:
      break;
  }
}

/** The class feed, its state shown in the header; a feed closed for good may end the class. */
export function connectDashboardFeed(root: HTMLElement, classId: string, view: () => DashboardView): FeedSocket {
  const feedState = required(root, '[data-feed-state]');
  const feed = new FeedSocket({
    classId,
    onMessage: (message) => onFeedMessage(view(), message),
    onState: (state, code) => {
      feedState.textContent = feedLabels[state];
      feedState.dataset.state = state;
      if (state !== 'closed') return;
      if (code === closeCodes.ended) view().end.ended();
      else if (code === closeCodes.unauthorized) {
        feedState.textContent = 'Déconnecté : reconnectez-vous dans l’espace formateur';
      }
    },
  });
  feed.connect();
  return feed;
}
