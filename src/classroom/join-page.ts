// The « Rejoindre un cours » page: join with the class code and a name, or recover a place with
// the recovery code; the browser then uses the class key (class-storage.ts) until it leaves.
import { z } from 'zod';
import { classJoinedSchema, classMineSchema, joinClassBody, recoverClassBody } from '../../shared/contract.ts';
import { learnerKeyHeader } from '../../shared/limits.ts';
import '../styles/classroom.css';
import {
  currentClass,
  enterClass,
  leaveClass,
  learnerKeyStorage,
  updateClass,
  type StoredClass,
} from './class-storage.ts';
import { normalizeClassCode, normalizeRecoveryCode } from './codes.ts';
import { el, required } from '../dom/element.ts';
import { ApiRequestError, errorMessage, requestJson } from './http.ts';

const titlesSchema = z.object({ decks: z.record(z.string(), z.string()), labs: z.record(z.string(), z.string()) });
type Titles = z.infer<typeof titlesSchema>;

export function mountJoinPage(root: HTMLElement): void {
  const titles = titlesSchema.catch({ decks: {}, labs: {} }).parse(JSON.parse(root.dataset.titles ?? '{}'));
  const notice = required(root, '[data-join-notice]');
  const current = required(root, '[data-class-current]');
  const forms = required(root, '[data-join-forms]');
  const joinForm = required<HTMLFormElement>(root, '[data-join-form]');
  const recoverForm = required<HTMLFormElement>(root, '[data-recover-form]');
  const recoveryCode = required(root, '[data-recovery-code]');

  const say = (text: string) => {
    notice.textContent = text;
    notice.hidden = text === '';
  };

  const showClass = (info: StoredClass | null, recoveryText?: string) =>
    renderMembership(current, forms, titles, info, recoveryText);

  const formError = (form: HTMLFormElement, text: string) => {
    const box = required(form, '[data-form-error]');
    box.textContent = text;
    box.hidden = text === '';
  };

  // Sends a form's body once it passes the contract's schema; the server's refusals are shown as they are.
  const submit = async (
    form: HTMLFormElement,
    path: string,
    body: { success: true; data: unknown } | { success: false; error: z.ZodError },
    pending: string,
  ) => {
    if (!body.success) {
      formError(form, body.error.issues[0]?.message ?? 'Formulaire incomplet.');
      return;
    }
    formError(form, '');
    const button = required<HTMLButtonElement>(form, 'button[type="submit"]');
    const label = button.textContent;
    button.disabled = true;
    button.textContent = pending;
    try {
      // A server too busy to take the join now is asked again, and the wait is shown meanwhile.
      const joined = await requestJson(path, classJoinedSchema, { body: body.data, onWait: say });
      say('');
      showClass(enterClass(joined), joined.recoveryCode);
      current.querySelector<HTMLElement>('h2')?.focus();
    } catch (error) {
      say('');
      formError(form, errorMessage(error));
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  };

  const field = (form: HTMLFormElement, name: string) => required<HTMLInputElement>(form, `[name="${name}"]`);
  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = field(joinForm, 'code');
    code.value = normalizeClassCode(code.value);
    const body = joinClassBody.safeParse({ code: code.value, name: field(joinForm, 'name').value });
    void submit(joinForm, '/api/classes/join', body, 'Connexion…');
  });
  recoverForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = field(recoverForm, 'code');
    const recoveryInput = field(recoverForm, 'recoveryCode');
    code.value = normalizeClassCode(code.value);
    recoveryInput.value = normalizeRecoveryCode(recoveryInput.value);
    const body = recoverClassBody.safeParse({ code: code.value, recoveryCode: recoveryInput.value });
    void submit(recoverForm, '/api/classes/recover', body, 'Recherche…');
  });

  required(root, '[data-recovery-copy]').addEventListener('click', (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    void navigator.clipboard?.writeText(recoveryCode.textContent ?? '').then(() => {
      button.textContent = 'Copié !';
      setTimeout(() => (button.textContent = 'Copier le code'), 1500);
    });
  });
  required(root, '[data-leave-class]').addEventListener('click', () => {
    if (
      !confirm(
        'Quitter le cours ? Vous retrouverez votre espace personnel ; votre progression dans le cours reste chez le formateur.',
      )
    )
      return;
    leaveClass();
    showClass(null);
    say('Vous avez quitté le cours : vous retrouvez votre espace personnel.');
  });

  const prefilled = new URLSearchParams(window.location.search).get('code');
  if (prefilled) {
    for (const form of [joinForm, recoverForm]) field(form, 'code').value = normalizeClassCode(prefilled);
  }

  const kept = currentClass();
  showClass(kept);
  if (kept && prefilled && normalizeClassCode(prefilled) !== kept.code) {
    say(`Vous êtes déjà dans le cours « ${kept.title} » : quittez-le pour en rejoindre un autre.`);
  }
  if (!kept) {
    (prefilled ? field(joinForm, 'name') : field(joinForm, 'code')).focus();
    return;
  }
  checkStillOn(kept, showClass, say);
}

/** The class this browser is in (its title, the student's name, its pages), or the forms to join one. */
function renderMembership(
  current: HTMLElement,
  forms: HTMLElement,
  titles: Titles,
  info: StoredClass | null,
  recoveryText?: string,
): void {
  const recovery = required(current, '[data-recovery]');
  const recoveryCode = required(current, '[data-recovery-code]');
  current.hidden = !info;
  forms.hidden = Boolean(info);
  if (!info) return;
  required(current, '[data-class-title]').textContent = `« ${info.title} »`;
  required(current, '[data-class-name]').textContent = info.name;
  recovery.hidden = !recoveryText;
  recoveryCode.textContent = recoveryText ?? '';
  const links = required(current, '[data-class-links]');
  links.replaceChildren(
    el(
      'li',
      {},
      el(
        'a',
        { href: `/decks/${encodeURIComponent(info.deck)}/` },
        `Diapositives : ${titles.decks[info.deck] ?? info.deck}`,
      ),
    ),
    ...info.labs.map((lab) =>
      el('li', {}, el('a', { href: `/tp/${encodeURIComponent(lab)}/` }, titles.labs[lab] ?? lab)),
    ),
  );
}

// Is the class still on? When it is over, the personal key comes back.
function checkStillOn(
  kept: StoredClass,
  showClass: (info: StoredClass | null) => void,
  say: (text: string) => void,
): void {
  const key = localStorage.getItem(learnerKeyStorage) ?? '';
  void requestJson('/api/classes/mine', classMineSchema, { headers: { [learnerKeyHeader]: key } })
    .then((mine) => {
      if (mine.endedAt) throw new ApiRequestError(404, 'terminé');
      showClass(updateClass(mine));
    })
    .catch((error: unknown) => {
      if (!(error instanceof ApiRequestError && (error.status === 404 || error.status === 403))) return;
      leaveClass();
      showClass(null);
      say(`Le cours « ${kept.title} » est terminé : vous retrouvez votre espace personnel.`);
    });
}
