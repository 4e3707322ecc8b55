// The « Couches » tab's views of an image: its size, efficiency and wasted bytes with the
// biggest wasted files, and one row per layer (its instruction, size, changes and waste).
import type { ImageLayers } from '../../shared/contract.ts';
import { el } from '../dom/element.ts';
import { absolutePath, formatBytes, formatChanges, formatPercent, plural } from './format.ts';

type Layer = ImageLayers['layers'][number];

/** The French explanation of a wasted layer, worded as the deck's Dive slide puts it. */
export const wasteExplanation =
  'Ces fichiers sont supprimés ou remplacés par une couche plus haute : ils pèsent encore dans l’image.';

/** A layer's name as the tab shows it: « Couche 1 » is the bottom one (the base image's first). */
export const layerName = (index: number) => `Couche ${index + 1}`;

export function renderSummary(image: ImageLayers): HTMLElement {
  const figure = (term: string, value: string, attributes: Record<string, string> = {}) =>
    el('div', {}, el('dt', {}, term), el('dd', attributes, value));
  const summary = el(
    'section',
    { class: 'layers-summary', 'aria-labelledby': 'layers-summary-title' },
    el('h3', { id: 'layers-summary-title' }, image.image),
    el(
      'dl',
      { class: 'layers-figures' },
      figure('Taille', formatBytes(image.size)),
      figure('Efficacité', formatPercent(image.efficiency), { 'data-efficiency': String(image.efficiency) }),
      figure('Octets gaspillés', formatBytes(image.wasted)),
    ),
    el(
      'p',
      { class: 'layers-note' },
      'L’efficacité est la part des octets de l’image que le conteneur voit vraiment : 100 % quand aucune couche ne garde de fichier qu’une couche plus haute supprime ou remplace.',
    ),
  );
  if (image.topWasted.length > 0) {
    const rows = image.topWasted.map((file) =>
      el(
        'tr',
        {},
        el('td', {}, el('code', {}, absolutePath(file.path))),
        el('td', { class: 'number' }, formatBytes(file.size)),
        el('td', {}, layerName(file.layer)),
      ),
    );
    summary.append(
      el(
        'details',
        // A short list is open at once; a long one would push the layers out of sight.
        { class: 'layers-top-wasted', open: image.topWasted.length <= 5 },
        el('summary', {}, `Les plus gros fichiers gaspillés (${plural(image.topWasted.length, 'fichier')})`),
        el(
          'table',
          {},
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { scope: 'col' }, 'Fichier'),
              el('th', { scope: 'col' }, 'Taille'),
              el('th', { scope: 'col' }, 'Couche'),
            ),
          ),
          el('tbody', {}, ...rows),
        ),
      ),
    );
  }
  return summary;
}

/** A layer's row: a button that shows or hides its files (the files' section is put in the row). */
export function renderLayerRow(layer: Layer, index: number): HTMLLIElement {
  const wasted = layer.wastedBytes > 0;
  const button = el(
    'button',
    { type: 'button', class: 'layer-toggle', 'aria-expanded': 'false' },
    el('span', { class: 'layer-name' }, layerName(index)),
    el('code', { class: 'layer-instruction' }, layer.instruction),
    el(
      'span',
      { class: 'layer-facts' },
      el('span', { class: 'layer-size' }, formatBytes(layer.size)),
      el('span', { class: 'layer-changes' }, formatChanges(layer)),
      wasted && el('span', { class: 'layer-waste-badge' }, `${formatBytes(layer.wastedBytes)} gaspillés`),
    ),
  );
  const row = el('li', { class: 'layer-row', 'data-layer': index, 'data-wasted': String(wasted) }, button);
  if (wasted) {
    row.append(
      el(
        'div',
        { class: 'layer-waste' },
        el('p', {}, wasteExplanation),
        el(
          'ul',
          {},
          ...layer.wasted
            .slice(0, 5)
            .map((file) => el('li', {}, el('code', {}, absolutePath(file.path)), ` (${formatBytes(file.size)})`)),
        ),
      ),
    );
  }
  return row;
}
