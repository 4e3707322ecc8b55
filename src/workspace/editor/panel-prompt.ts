// Questions asked inside the panel rather than with confirm() or prompt(), which block the page
// (the terminal's output included) and cannot be styled: a message with buttons, and a one-field
// form. One question at a time per host; a new one answers the previous with its cancel value.
export interface Choice<T extends string> {
  value: T;
  label: string;
  primary?: boolean;
}

const pending = new WeakMap<HTMLElement, () => void>();

function settlePrevious(host: HTMLElement): void {
  pending.get(host)?.();
  pending.delete(host);
}

/** Asks a question; resolves with the chosen value (Échap gives `cancel`). */
export function askChoice<T extends string>(
  host: HTMLElement,
  options: { message: string; choices: readonly Choice<T>[]; cancel: T; marker?: string },
): Promise<T> {
  settlePrevious(host);
  return new Promise<T>((resolve) => {
    const box = document.createElement('div');
    box.className = 'editor-prompt';
    box.setAttribute('role', 'group');
    if (options.marker) box.setAttribute(options.marker, '');
    const text = document.createElement('p');
    text.setAttribute('role', 'alert');
    text.textContent = options.message;
    text.id = `editor-prompt-${Math.random().toString(36).slice(2)}`;
    box.setAttribute('aria-labelledby', text.id);
    const buttons = document.createElement('div');
    buttons.className = 'editor-prompt-buttons';
    const done = (value: T) => {
      pending.delete(host);
      box.remove();
      resolve(value);
    };
    for (const choice of options.choices) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = choice.primary ? 'editor-button primary' : 'editor-button';
      button.textContent = choice.label;
      button.dataset.choice = choice.value;
      button.addEventListener('click', () => done(choice.value));
      buttons.append(button);
    }
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        done(options.cancel);
      }
    });
    box.append(text, buttons);
    host.append(box);
    pending.set(host, () => {
      box.remove();
      resolve(options.cancel);
    });
    buttons.querySelector('button')?.focus();
  });
}

/** Asks for a name; resolves with it, or undefined when cancelled. `problem` vets it in French. */
export function askName(
  host: HTMLElement,
  options: { label: string; hint: string; submit: string; problem(name: string): string | undefined },
): Promise<string | undefined> {
  settlePrevious(host);
  return new Promise((resolve) => {
    const id = Math.random().toString(36).slice(2);
    const form = document.createElement('form');
    form.className = 'editor-prompt editor-name-form';
    form.noValidate = true;
    const label = document.createElement('label');
    label.htmlFor = `editor-name-${id}`;
    label.textContent = options.label;
    const input = document.createElement('input');
    input.id = `editor-name-${id}`;
    input.type = 'text';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.setAttribute('aria-describedby', `editor-name-hint-${id} editor-name-error-${id}`);
    const hint = document.createElement('p');
    hint.id = `editor-name-hint-${id}`;
    hint.className = 'editor-hint';
    hint.textContent = options.hint;
    const error = document.createElement('p');
    error.id = `editor-name-error-${id}`;
    error.className = 'editor-error';
    error.hidden = true;
    const buttons = document.createElement('div');
    buttons.className = 'editor-prompt-buttons';
    const create = document.createElement('button');
    create.type = 'submit';
    create.className = 'editor-button primary';
    create.textContent = options.submit;
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'editor-button';
    cancel.textContent = 'Annuler';
    buttons.append(create, cancel);
    form.append(label, input, hint, error, buttons);
    const done = (value: string | undefined) => {
      pending.delete(host);
      form.remove();
      resolve(value);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const problem = options.problem(input.value);
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      done(input.value.trim());
    });
    cancel.addEventListener('click', () => done(undefined));
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        done(undefined);
      }
    });
    host.append(form);
    pending.set(host, () => {
      form.remove();
      resolve(undefined);
    });
    input.focus();
  });
}
