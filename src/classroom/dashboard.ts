// The class dashboard (/formateur/cours/?id=…): loads the class, then lives on the class feed —
// the students' rows, the grouped failures, keyboard requests, the end of the class.
import '../styles/classroom.css';
import {
  classIdSchema,
  classSchema,
  dashboardSchema,
  labListSchema,
  type ClassDetail,
  type Dashboard,
} from '../../shared/contract.ts';
import { el, required } from '../dom/element.ts';
import { mountClassActions } from './class-actions.ts';
import { renderFailures } from './dashboard-failures.ts';
import { applySnapshot, connectDashboardFeed, type DashboardView } from './dashboard-feed.ts';
import { ClassEnd, mountNotice, renderHeader } from './dashboard-header.ts';
import type { Labs } from './dashboard-rows.ts';
import { mountStudents } from './dashboard-students.ts';
import { ApiRequestError, errorMessage, requestJson } from './http.ts';

export function mountDashboard(root: HTMLElement): void {
  const fail = (text: string, signIn = false) => {
    required(root, '[data-loading]').hidden = true;
    const box = required(root, '[data-dashboard-error]');
    box.replaceChildren(text, signIn ? el('a', { href: '/formateur/' }, ' Se connecter') : '');
    box.hidden = false;
  };
  const parsedId = classIdSchema.safeParse(new URLSearchParams(window.location.search).get('id'));
  if (!parsedId.success) return fail('Lien incomplet : ouvrez le cours depuis l’espace formateur.');
  const classId = parsedId.data;
  const base = `/api/classes/${classId}`;

  Promise.all([
    requestJson(base, classSchema),
    requestJson('/api/labs', labListSchema).catch(() => []),
    requestJson(`${base}/dashboard`, dashboardSchema).catch(() => undefined),
  ])
    .then(([detail, labList, snapshot]) => {
      start(root, detail, new Map(labList.map((lab) => [lab.id, lab])), snapshot);
    })
    .catch((error: unknown) => {
      if (error instanceof ApiRequestError && error.status === 401) {
        fail('Vous n’êtes pas connecté comme formateur.', true);
      } else fail(errorMessage(error));
    });
}

function start(root: HTMLElement, detail: ClassDetail, labs: Labs, snapshot: Dashboard | undefined): void {
  required(root, '[data-loading]').hidden = true;
  required(root, '[data-dashboard-body]').hidden = false;
  document.title = `${detail.title} · Tableau de bord · Cours Docker`;
  const showSeats = renderHeader(root, detail);
  const notify = mountNotice(root);
  const end = new ClassEnd(root, () => {
    actions.disable();
    watch.close();
  });

  const actions = mountClassActions(root, {
    classId: detail.id,
    deck: detail.deck,
    labs: detail.labs,
    notify,
    onEnding: (at) => end.ending(at),
    locked: detail.locked === true,
  });
  actions.setLabs(labs);

  // The students' actions send on the feed, opened once the page can show what it says.
  const { table, watch } = mountStudents(root, detail, labs, {
    notify,
    showSeats,
    send: (message) => feed.send(message),
  });
  const failures = required(root, '[data-failures]');
  const view: DashboardView = {
    table,
    watch,
    actions,
    end,
    notify,
    showSeats,
    showFailures: (groups) => renderFailures(failures, labs, groups),
  };
  if (snapshot) applySnapshot(view, snapshot);
  const feed = connectDashboardFeed(root, detail.id, () => view);

  if (detail.endedAt) end.ended();
  else end.planned(detail.endsAt);

  // The time on each step ticks; who counts as stuck changes with it.
  let ticks = 0;
  const timer = window.setInterval(() => {
    table.tick();
    if (++ticks % 15 === 0) table.render();
  }, 1000);
  window.addEventListener('pagehide', () => {
    window.clearInterval(timer);
    feed.dispose();
    watch.close();
  });
}
