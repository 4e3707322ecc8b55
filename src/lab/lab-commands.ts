// A TP's commands: "▶ Exécuter" types them into the terminal, "Copier" puts them in the clipboard.
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';

/** Adds the two buttons to every command block in `container`. */
export function decorateCommands(container: HTMLElement, pane: TerminalPaneApi): void {
  for (const block of container.querySelectorAll<HTMLElement>('.command-block')) {
    const command = block.dataset.command ?? '';
    const tools = document.createElement('div');
    tools.className = 'command-tools';
    const run = document.createElement('button');
    run.type = 'button';
    run.dataset.run = '';
    run.textContent = '▶ Exécuter';
    run.title = 'Taper cette commande dans le terminal';
    run.addEventListener('click', () => pane.run(command.replace(/\n/g, '\r')));
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.textContent = 'Copier';
    copy.addEventListener('click', () => {
      void navigator.clipboard?.writeText(command).then(() => {
        copy.textContent = 'Copié !';
        setTimeout(() => (copy.textContent = 'Copier'), 1500);
      });
    });
    tools.append(run, copy);
    block.append(tools);
  }
}
