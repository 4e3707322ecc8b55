// The « Couches » tab's reading of one image: its summary, then its layers top first; a click on
// a layer opens its files under it (one layer open at a time).
import type { ImageLayers } from '../../shared/contract.ts';
import { el } from '../dom/element.ts';
import type { LayerFiles } from './layer-files.ts';
import { renderLayerRow, renderSummary } from './layers-view.ts';

export function renderLayerList(result: HTMLElement, image: ImageLayers, files: LayerFiles): void {
  const rows = image.layers.map((layer, index) => renderLayerRow(layer, index)).reverse();
  for (const row of rows) {
    const index = Number(row.dataset.layer);
    const toggle = row.querySelector<HTMLButtonElement>('.layer-toggle');
    row.addEventListener('click', (event) => {
      // Clicks in the files' section (its filters, its folders) are not the row's.
      if (!toggle || (event.target instanceof Node && files.element.contains(event.target))) return;
      const opening = toggle.getAttribute('aria-expanded') !== 'true';
      for (const other of result.querySelectorAll<HTMLButtonElement>('.layer-toggle')) {
        other.setAttribute('aria-expanded', 'false');
        other.removeAttribute('aria-controls');
      }
      for (const other of rows) other.classList.remove('selected');
      files.close();
      if (!opening) return;
      toggle.setAttribute('aria-expanded', 'true');
      toggle.setAttribute('aria-controls', files.element.id);
      row.classList.add('selected');
      row.append(files.element);
      files.open(image.image, index);
      // The files open under the row: bring the row to the top, so they come into view.
      row.scrollIntoView({ block: 'start' });
    });
  }
  result.replaceChildren(
    renderSummary(image),
    el(
      'section',
      { class: 'layers-list', 'aria-labelledby': 'layers-list-title' },
      el('h3', { id: 'layers-list-title' }, 'Couches, de la plus haute à l’image de base'),
      el(
        'p',
        { class: 'layers-note' },
        'La dernière instruction du Dockerfile est en haut, l’image de base tout en bas. Choisissez une couche pour voir ses fichiers.',
      ),
      el('ol', { class: 'layer-list' }, ...rows),
    ),
  );
}
