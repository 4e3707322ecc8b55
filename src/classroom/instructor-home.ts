// The instructor's space (/formateur/): the sign-in form, the list of classes and the
// « Nouveau cours » form; the session is the HttpOnly cookie the login sets.
import { z } from 'zod';
import {
  classCreatedSchema,
  classListSchema,
  createClassBody,
  instructorTokenSchema,
  labListSchema,
} from '../../shared/contract.ts';
import '../styles/classroom.css';
import { el, required } from '../dom/element.ts';
import { formatDateTime, fromDateTimeLocal, toDateTimeLocal } from './format.ts';
import { ApiRequestError, errorMessage, requestJson, requestVoid } from './http.ts';

const meSchema = z.object({ expiresAt: z.string() });
const defaultHours = 3;

/** The dashboard of a class. */
export function dashboardHref(classId: string): string {
  return `/formateur/cours/?id=${encodeURIComponent(classId)}`;
}

export function mountInstructorHome(root: HTMLElement): void {
  const loading = required(root, '[data-loading]');
  const loginForm = required<HTMLFormElement>(root, '[data-login-form]');
  const signedIn = required(root, '[data-signed-in]');
  const createForm = required<HTMLFormElement>(root, '[data-create-form]');

  const formError = (container: HTMLElement, text: string) => {
    const box = required(container, '[data-form-error]');
    box.textContent = text;
    box.hidden = text === '';
  };

  const showSignIn = () => {
    loading.hidden = true;
    signedIn.hidden = true;
    loginForm.hidden = false;
    required<HTMLInputElement>(loginForm, '[name="password"]').focus();
  };
  const showSignedIn = () => {
    loading.hidden = true;
    loginForm.hidden = true;
    signedIn.hidden = false;
    void loadClasses();
    void loadLabs();
  };

  const loadClasses = async () => {
    const list = required<HTMLTableElement>(root, '[data-class-list]');
    const empty = required(root, '[data-class-empty]');
    const listError = required(root, '[data-list-error]');
    try {
      // The server lists them newest first.
      const classes = await requestJson('/api/classes', classListSchema);
      listError.hidden = true;
      empty.hidden = classes.length > 0;
      list.hidden = classes.length === 0;
      required(list, 'tbody').replaceChildren(
        ...classes.map((c) =>
          el(
            'tr',
            { 'data-class-row': c.id, class: c.endedAt ? 'ended' : null },
            el('td', {}, c.title),
            el('td', {}, el('code', { class: 'class-code-small' }, c.code)),
            el('td', {}, `${c.memberCount} / ${c.seats}`),
            el('td', {}, c.endedAt ? `Terminé (${formatDateTime(c.endedAt)})` : formatDateTime(c.endsAt)),
            el(
              'td',
              {},
              el(
                'a',
                {
                  class: 'button secondary',
                  href: dashboardHref(c.id),
                  'aria-label': `Ouvrir le tableau de bord de « ${c.title} »`,
                },
                'Ouvrir le tableau de bord',
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 401) return showSignIn();
      listError.textContent = errorMessage(error);
      listError.hidden = false;
    }
  };

  const loadLabs = async () => {
    const choices = required(root, '[data-lab-choices]');
    try {
      const labs = await requestJson('/api/labs', labListSchema);
      choices.querySelector('[data-labs-loading]')?.remove();
      choices.querySelectorAll('label').forEach((label) => label.remove());
      for (const lab of labs) {
        choices.append(
          el(
            'label',
            { class: 'checkbox' },
            el('input', { type: 'checkbox', name: 'labs', value: lab.id, checked: true }),
            ` ${lab.title} `,
            el('span', { class: 'muted' }, `(${lab.steps.length} étapes)`),
          ),
        );
      }
    } catch (error) {
      const text = required(choices, '[data-labs-loading]');
      text.textContent = `Impossible de charger les TP : ${errorMessage(error)}`;
    }
  };

  // The server slows repeated failures down: the button says so while it waits.
  loginForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const password = required<HTMLInputElement>(loginForm, '[name="password"]');
    if (!password.value) return formError(loginForm, 'Entrez le mot de passe du formateur.');
    const button = required<HTMLButtonElement>(loginForm, 'button[type="submit"]');
    button.disabled = true;
    button.textContent = 'Vérification…';
    formError(loginForm, '');
    requestJson('/api/instructor/login', instructorTokenSchema, { body: { password: password.value } })
      .then(() => {
        password.value = '';
        showSignedIn();
      })
      .catch((error: unknown) => {
        formError(loginForm, errorMessage(error));
        password.select();
      })
      .finally(() => {
        button.disabled = false;
        button.textContent = 'Se connecter';
      });
  });

  required(root, '[data-logout]').addEventListener('click', () => {
    void requestVoid('/api/instructor/logout', { method: 'POST' })
      .catch(() => {})
      .then(showSignIn);
  });

  const endsAt = required<HTMLInputElement>(createForm, '[name="endsAt"]');
  endsAt.value = toDateTimeLocal(new Date(Date.now() + defaultHours * 3600_000));
  endsAt.min = toDateTimeLocal(new Date());
  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (name: string) =>
      required<HTMLInputElement | HTMLSelectElement>(createForm, `[name="${name}"]`).value;
    const body = createClassBody.safeParse({
      title: value('title'),
      deck: value('deck') || undefined,
      labs: [...createForm.querySelectorAll<HTMLInputElement>('[name="labs"]:checked')].map((box) => box.value),
      seats: Number(value('seats')),
      endsAt: fromDateTimeLocal(value('endsAt')),
    });
    if (!body.success) return formError(createForm, body.error.issues[0]?.message ?? 'Formulaire incomplet.');
    if (body.data.endsAt && Date.parse(body.data.endsAt) <= Date.now())
      return formError(createForm, 'La fin du cours doit être dans le futur.');
    formError(createForm, '');
    const button = required<HTMLButtonElement>(createForm, 'button[type="submit"]');
    button.disabled = true;
    button.textContent = 'Création…';
    requestJson('/api/classes', classCreatedSchema, { body: body.data })
      .then((created) => window.location.assign(dashboardHref(created.id)))
      .catch((error: unknown) => {
        if (error instanceof ApiRequestError && error.status === 401) return showSignIn();
        formError(createForm, errorMessage(error));
        button.disabled = false;
        button.textContent = 'Créer le cours';
      });
  });

  requestJson('/api/instructor/me', meSchema)
    .then(showSignedIn)
    .catch((error: unknown) => {
      if (error instanceof ApiRequestError && error.status === 401) return showSignIn();
      loading.textContent = errorMessage(error);
    });
}
