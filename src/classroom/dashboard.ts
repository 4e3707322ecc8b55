// The class dashboard (/formateur/cours/?id=…): loads the class, then lives on the class feed —
// the students' rows, the grouped failures, keyboard requests, the end of the class.
import '../styles/classroom.css';
import {
  classIdSchema,
  classSchema,
  dashboardSchema,
  labListSchema,
  memberRenamedSchema,
  renameMemberBody,
  type ClassDetail,
  type Dashboard,
  type DashboardStudent,
  type FeedServerMessage,
} from '../../shared/contract.ts';
import { closeCodes } from '../../shared/limits.ts';
import { mountClassActions } from './class-actions.ts';
import { startCountdown, type Countdown } from './countdown.ts';
import { failureLabel, stepTitle, labTitle, type Labs, type SortKey } from './dashboard-rows.ts';
import { el, required } from '../dom/element.ts';
import { FeedSocket, type FeedState } from './feed-socket.ts';
import { formatDateTime, plural } from './format.ts';
import { ApiRequestError, errorMessage, requestJson, requestVoid } from './http.ts';
import { StudentTable } from './student-table.ts';
import { WatchPanel } from './watch-terminal.ts';

const feedLabels: Record<FeedState, string> = {
  connecting: 'Connexion…',
  ready: 'En direct',
  reconnecting: 'Reconnexion…',
  closed: 'Déconnecté',
};

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

  // The header: what to project so that students join.
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

  const endLabel = required(root, '[data-class-end]');
  let countdown: Countdown | undefined;
  const showEnding = (at: string) => {
    countdown?.stop();
    countdown = startCountdown(endLabel, at, (clock) => `Le cours se termine dans ${clock}`);
  };
  let over = false;
  const showEnded = () => {
    over = true;
    countdown?.stop();
    endLabel.textContent = 'Cours terminé';
    root.dataset.ended = 'true';
    actions.disable();
    watch.close();
  };

  const noticeBox = required(root, '[data-dashboard-notice]');
  let noticeTimer = 0;
  const notify = (text: string, kind: 'info' | 'error' = 'info') => {
    noticeBox.textContent = text;
    noticeBox.dataset.kind = kind;
    noticeBox.hidden = false;
    window.clearTimeout(noticeTimer);
    if (kind === 'info') noticeTimer = window.setTimeout(() => (noticeBox.hidden = true), 8000);
  };

  const actions = mountClassActions(root, {
    classId: detail.id,
    deck: detail.deck,
    labs: detail.labs,
    notify,
    onEnding: showEnding,
    locked: detail.locked === true,
  });
  actions.setLabs(labs);

  // The students' table and the watch panel.
  const watch = new WatchPanel(required(root, '[data-watch-panel]'), {
    onClose: (learner) => {
      table.setWatching(null);
      if (table.get(learner)?.control) feed.send({ type: 'control-release', learner });
    },
  });
  const table = new StudentTable(
    required<HTMLTableSectionElement>(root, '[data-students]'),
    required(root, '[data-students-empty]'),
    {
      watch: (student) => {
        if (watch.learner === student.learner) return watch.close();
        if (!student.session) return notify(`${student.name} n’a pas de terminal ouvert.`, 'error');
        watch.open({ ...student, session: student.session });
        table.setWatching(student.learner);
      },
      takeControl: (student) => {
        if (!feed.send({ type: 'control-request', learner: student.learner })) {
          return notify('La connexion au cours est coupée : réessayez dans un instant.', 'error');
        }
        table.setPending(student.learner, true);
        notify(`Demande envoyée à ${student.name} : en attente de sa réponse.`);
      },
      releaseControl: (student) => {
        if (!feed.send({ type: 'control-release', learner: student.learner })) {
          notify('La connexion au cours est coupée : réessayez dans un instant.', 'error');
        }
      },
      rename: (student) => {
        const typed = window.prompt(`Nouveau nom pour ${student.name} :`, student.name);
        if (typed === null || typed.trim() === student.name) return;
        const body = renameMemberBody.safeParse({ name: typed });
        if (!body.success) return notify(body.error.issues[0]?.message ?? 'Nom invalide.', 'error');
        requestJson(`${memberPath(student)}`, memberRenamedSchema, { method: 'PATCH', body: body.data })
          .then((renamed) => {
            table.upsert({ ...(table.get(student.learner) ?? student), name: renamed.name });
            notify(`${student.name} s’appelle désormais ${renamed.name}.`);
          })
          .catch((error: unknown) => notify(errorMessage(error), 'error'));
      },
      remove: (student) => {
        const sure = window.confirm(
          `Retirer ${student.name} du cours ? Sa clé cessera de fonctionner, ses pages du cours seront fermées, ses bacs à sable supprimés et ses résultats effacés. Pour revenir, il devra rejoindre le cours à nouveau avec le code.`,
        );
        if (!sure) return;
        if (watch.learner === student.learner) watch.close();
        requestVoid(memberPath(student), { method: 'DELETE' })
          .then(() => {
            table.replaceAll([...table.all()].filter((s) => s.learner !== student.learner));
            showSeats(table.size);
            notify(`${student.name} a été retiré du cours.`);
          })
          .catch((error: unknown) => notify(errorMessage(error), 'error'));
      },
    },
  );
  const memberPath = (student: DashboardStudent) =>
    `/api/classes/${encodeURIComponent(detail.id)}/members/${encodeURIComponent(student.learner)}`;
  table.setLabs(labs);

  const sort = required<HTMLSelectElement>(root, '[data-sort]');
  const filterText = required<HTMLInputElement>(root, '[data-filter]');
  const stuckOnly = required<HTMLInputElement>(root, '[data-stuck-only]');
  sort.addEventListener('change', () => table.setSort(sort.value as SortKey));
  const applyFilter = () => table.setFilter({ text: filterText.value, stuckOnly: stuckOnly.checked });
  filterText.addEventListener('input', applyFilter);
  stuckOnly.addEventListener('change', applyFilter);

  const failures = required(root, '[data-failures]');
  const showFailures = (groups: Dashboard['failures']) => {
    if (groups.length === 0) {
      failures.replaceChildren(el('p', { class: 'muted' }, 'Aucune vérification échouée pour l’instant.'));
      return;
    }
    // Grouped by step, the most common mistake first.
    const bySteps = new Map<string, Dashboard['failures']>();
    for (const group of [...groups].sort((a, b) => b.count - a.count)) {
      const key = `${group.lab}\u0000${group.step}`;
      bySteps.set(key, [...(bySteps.get(key) ?? []), group]);
    }
    failures.replaceChildren(
      ...[...bySteps.values()].map((list) =>
        el(
          'div',
          { class: 'failure-step', 'data-failure-step': `${list[0]?.lab}/${list[0]?.step}` },
          el(
            'h3',
            {},
            `${labTitle(labs, list[0]?.lab ?? null)} · ${stepTitle(labs, list[0]?.lab ?? null, list[0]?.step ?? null)}`,
          ),
          el(
            'ul',
            {},
            ...list.map((g) =>
              el('li', { 'data-failure': '', title: g.names.join(', ') }, failureLabel(g.count, g.message)),
            ),
          ),
        ),
      ),
    );
  };

  const applySnapshot = (dashboard: Dashboard) => {
    table.replaceAll(dashboard.students);
    showSeats(dashboard.students.length);
    showFailures(dashboard.failures);
    actions.setLocked(dashboard.class.locked === true);
    if (dashboard.class.endedAt) showEnded();
  };
  if (snapshot) applySnapshot(snapshot);

  const nameOf = (learner: string) => table.get(learner)?.name ?? 'L’élève';
  const onStudent = (student: DashboardStudent) => {
    const before = table.get(student.learner);
    table.upsert(student);
    if (!before) showSeats(table.size);
    // The watched student opened another session (a reset): watch that one.
    if (watch.learner === student.learner && student.session && student.session !== before?.session) {
      watch.open({ ...student, session: student.session });
    }
  };
  const onMessage = (message: FeedServerMessage) => {
    switch (message.type) {
      case 'ready':
        if (message.role !== 'instructor') notify('Ce navigateur n’est pas connecté comme formateur.', 'error');
        if (message.class.endedAt) showEnded();
        break;
      case 'dashboard':
        applySnapshot(message);
        break;
      case 'student':
        onStudent(message.student);
        break;
      case 'failures':
        showFailures(message.failures);
        break;
      case 'control': {
        const before = table.get(message.learner)?.control;
        table.setControl(message.learner, message.holder === 'instructor');
        if (watch.learner === message.learner) watch.setHolder(message.holder);
        if (before && message.holder === 'student') notify(`${nameOf(message.learner)} a repris la main.`);
        break;
      }
      case 'control-answer':
        table.setPending(message.learner, false);
        notify(
          message.accepted
            ? `${nameOf(message.learner)} vous donne la main.`
            : `${nameOf(message.learner)} a refusé de vous donner la main.`,
          message.accepted ? 'info' : 'error',
        );
        break;
      case 'ending':
        if (!over) showEnding(new Date(Date.now() + message.seconds * 1000).toISOString());
        break;
      case 'ended':
        showEnded();
        break;
      case 'error':
        notify(message.message, 'error');
        break;
      default:
        break;
    }
  };

  const feedState = required(root, '[data-feed-state]');
  const feed = new FeedSocket({
    classId: detail.id,
    onMessage,
    onState: (state, code) => {
      feedState.textContent = feedLabels[state];
      feedState.dataset.state = state;
      if (state !== 'closed') return;
      if (code === closeCodes.ended) showEnded();
      else if (code === closeCodes.unauthorized) {
        feedState.textContent = 'Déconnecté : reconnectez-vous dans l’espace formateur';
      }
    },
  });
  feed.connect();

  if (detail.endedAt) showEnded();
  else endLabel.textContent = `Fin prévue : ${formatDateTime(detail.endsAt)}`;

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
