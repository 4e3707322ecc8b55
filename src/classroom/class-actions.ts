// The dashboard's controls on the whole class: present the slides, send the class to a step,
// message the class, close or open it to new students, end it with a countdown, export the results.
import { broadcastBody, classEndingSchema, classLockedSchema, endClassBody } from '../../shared/contract.ts';
import { presentingStorage } from './class-storage.ts';
import type { Labs } from './dashboard-rows.ts';
import { el, required } from '../dom/element.ts';
import { errorMessage, requestJson, requestVoid } from './http.ts';

export interface ClassActionsOptions {
  classId: string;
  deck: string;
  /** The class's TPs, in order. */
  labs: readonly string[];
  notify(text: string, kind?: 'info' | 'error'): void;
  /** The end was asked: the class ends at `endsAt`. */
  onEnding(endsAt: string): void;
  /** Whether the class is closed to new students. */
  locked: boolean;
}

export interface ClassActions {
  setLabs(labs: Labs): void;
  /** The class was closed to new students, or opened again (from the feed too). */
  setLocked(locked: boolean): void;
  /** The class is over: nothing more to send it. */
  disable(): void;
}

export function mountClassActions(root: HTMLElement, options: ClassActionsOptions): ClassActions {
  const base = `/api/classes/${encodeURIComponent(options.classId)}`;

  required(root, '[data-present]').addEventListener('click', () => {
    // The deck page reads this to send its slides to the class (deck-present.ts).
    localStorage.setItem(presentingStorage, JSON.stringify({ classId: options.classId }));
    const href = `/decks/${encodeURIComponent(options.deck)}/`;
    if (!window.open(href, '_blank')) window.location.assign(href);
  });

  const goto = wireGoto(root, base, options);
  wireBroadcast(root, base, options);
  const lock = wireLock(root, base, options);
  const exportLink = required<HTMLAnchorElement>(root, '[data-export]');
  exportLink.href = `${base}/results.csv`;
  wireEnd(root, base, options);

  return {
    setLabs: (next) => goto.setLabs(next),
    setLocked: (value) => lock.setLocked(value),
    disable() {
      for (const control of root.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>(
        '[data-present], [data-goto-form] :is(select, button), [data-broadcast-form] :is(input, button), [data-end], [data-lock-toggle], [data-remove], [data-rename]',
      )) {
        control.disabled = true;
      }
    },
  };
}

// « Envoyer la classe à une étape »: the TP, then one of its steps.
function wireGoto(root: HTMLElement, base: string, options: ClassActionsOptions): { setLabs(labs: Labs): void } {
  let labs: Labs = new Map();
  const gotoForm = required<HTMLFormElement>(root, '[data-goto-form]');
  const labSelect = required<HTMLSelectElement>(gotoForm, '[data-goto-lab]');
  const stepSelect = required<HTMLSelectElement>(gotoForm, '[data-goto-step]');
  const fillSteps = () => {
    const steps = labs.get(labSelect.value)?.steps ?? [];
    stepSelect.replaceChildren(...steps.map((s, i) => el('option', { value: s.id }, `${i + 1}. ${s.title}`)));
  };
  const fillLabs = () => {
    labSelect.replaceChildren(...options.labs.map((id) => el('option', { value: id }, labs.get(id)?.title ?? id)));
    fillSteps();
  };
  labSelect.addEventListener('change', fillSteps);
  gotoForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const lab = labSelect.value;
    const step = stepSelect.value;
    if (!lab || !step) return options.notify('Choisissez un TP et une étape.', 'error');
    const stepName = stepSelect.selectedOptions[0]?.textContent ?? step;
    void sendForm(
      options,
      gotoForm,
      () => requestVoid(`${base}/goto`, { body: { lab, step } }),
      `Classe envoyée à l’étape ${stepName}.`,
    );
  });

  fillLabs();
  return {
    setLabs(next) {
      labs = next;
      const selected = labSelect.value;
      fillLabs();
      if (options.labs.includes(selected)) {
        labSelect.value = selected;
        fillSteps();
      }
    },
  };
}

/** « Envoyer »: a message shown to the whole class. */
function wireBroadcast(root: HTMLElement, base: string, options: ClassActionsOptions): void {
  const broadcastForm = required<HTMLFormElement>(root, '[data-broadcast-form]');
  const text = required<HTMLInputElement>(broadcastForm, '[data-broadcast-text]');
  broadcastForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = broadcastBody.safeParse({ text: text.value });
    if (!body.success) return options.notify(body.error.issues[0]?.message ?? 'Message invalide.', 'error');
    void sendForm(
      options,
      broadcastForm,
      async () => {
        await requestVoid(`${base}/broadcast`, { body: body.data });
        text.value = '';
      },
      'Message envoyé à la classe.',
    );
  });
}

// « Fermer les inscriptions »: the code stops letting anyone in; the members already in stay.
function wireLock(root: HTMLElement, base: string, options: ClassActionsOptions): { setLocked(locked: boolean): void } {
  const lockButton = required<HTMLButtonElement>(root, '[data-lock-toggle]');
  const lockedNote = required(root, '[data-join-locked]');
  let locked = options.locked;
  const showLocked = (value: boolean) => {
    locked = value;
    lockButton.textContent = value ? 'Rouvrir les inscriptions' : 'Fermer les inscriptions';
    lockButton.setAttribute('aria-pressed', String(value));
    lockedNote.hidden = !value;
    root.dataset.locked = String(value);
  };
  showLocked(locked);
  lockButton.addEventListener('click', () => {
    const wanted = !locked;
    lockButton.disabled = true;
    requestJson(`${base}/lock`, classLockedSchema, { body: { locked: wanted } })
      .then((reply) => {
        showLocked(reply.locked);
        options.notify(
          reply.locked
            ? 'Inscriptions fermées : plus personne ne peut rejoindre le cours avec son code.'
            : 'Inscriptions rouvertes : le code fait de nouveau entrer les élèves.',
        );
      })
      .catch((error: unknown) => options.notify(errorMessage(error), 'error'))
      .finally(() => (lockButton.disabled = false));
  });

  return {
    setLocked(value) {
      if (value !== locked) showLocked(value);
    },
  };
}

// « Fin du cours »: asks for confirmation and the countdown first.
function wireEnd(root: HTMLElement, base: string, options: ClassActionsOptions): void {
  const endButton = required<HTMLButtonElement>(root, '[data-end]');
  const endDialog = required<HTMLDialogElement>(root, '[data-end-dialog]');
  const secondsInput = required<HTMLInputElement>(endDialog, '[name="seconds"]');
  endButton.addEventListener('click', () => {
    endDialog.returnValue = '';
    endDialog.showModal();
    secondsInput.focus();
  });
  endDialog.addEventListener('close', () => {
    if (endDialog.returnValue !== 'end') return;
    const body = endClassBody.safeParse({ seconds: Number(secondsInput.value) });
    if (!body.success) return options.notify(body.error.issues[0]?.message ?? 'Compte à rebours invalide.', 'error');
    endButton.disabled = true;
    requestJson(`${base}/end`, classEndingSchema, { body: body.data })
      .then((ended) => {
        options.notify(
          body.data.seconds === 0
            ? 'Cours terminé.'
            : `Fin du cours dans ${body.data.seconds} s : les élèves sont prévenus.`,
        );
        options.onEnding(ended.endsAt);
      })
      .catch((error: unknown) => {
        endButton.disabled = false;
        options.notify(errorMessage(error), 'error');
      });
  });
}

/** Runs a request with the form's button disabled; says how it went. */
async function sendForm(
  options: ClassActionsOptions,
  form: HTMLFormElement,
  request: () => Promise<void>,
  done: string,
): Promise<void> {
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    await request();
    options.notify(done);
  } catch (error) {
    options.notify(errorMessage(error), 'error');
  } finally {
    if (button) button.disabled = false;
  }
}
