// The instructor's space (/formateur/): the sign-in form, the list of classes and the
// « Nouveau cours » form; the session is the HttpOnly cookie the login sets.
import {
  classCreatedSchema,
  createClassBody,
  instructorMeSchema,
  instructorTokenSchema,
} from '../../shared/contract.ts';
import '../styles/classroom.css';
import { required } from '../dom/element.ts';
import { fromDateTimeLocal, toDateTimeLocal } from './format.ts';
import { ApiRequestError, errorMessage, requestJson, requestVoid } from './http.ts';
import { dashboardHref, loadClasses, loadLabChoices } from './instructor-lists.ts';

const defaultHours = 3;

type FormError = (container: HTMLElement, text: string) => void;

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
    void loadClasses(root, showSignIn);
    void loadLabChoices(root);
  };

  wireLogin(loginForm, formError, showSignedIn);

  required(root, '[data-logout]').addEventListener('click', () => {
    void requestVoid('/api/instructor/logout', { method: 'POST' })
      .catch(() => {})
      .then(showSignIn);
  });

  wireCreateForm(createForm, formError, showSignIn);

  requestJson('/api/instructor/me', instructorMeSchema)
    .then(showSignedIn)
    .catch((error: unknown) => {
      if (error instanceof ApiRequestError && error.status === 401) return showSignIn();
      loading.textContent = errorMessage(error);
    });
}

// The server slows repeated failures down: the button says so while it waits.
function wireLogin(loginForm: HTMLFormElement, formError: FormError, onSignedIn: () => void): void {
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
        onSignedIn();
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
}

/** « Nouveau cours »: ends in three hours unless changed; created, its dashboard opens. */
function wireCreateForm(createForm: HTMLFormElement, formError: FormError, onSignedOut: () => void): void {
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
        if (error instanceof ApiRequestError && error.status === 401) return onSignedOut();
        formError(createForm, errorMessage(error));
        button.disabled = false;
        button.textContent = 'Créer le cours';
      });
  });
}
