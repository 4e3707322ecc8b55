// The layer explorer's API paths under a session, pure: an image reference keeps its slashes
// percent-encoded (registry.local/app:1 is one path segment), and a files filter is matched
// against paths stored without their leading slash.
import type { FileChange } from './format.ts';

/** `/images/<ref>/layers` for this image. */
export function imageLayersPath(ref: string): string {
  return `/images/${encodeURIComponent(ref)}/layers`;
}

/** `/images/<ref>/layers/<index>?filter=…&change=…`, leaving out what is not asked for. */
export function layerFilesPath(ref: string, index: number, filter = '', change?: FileChange): string {
  const query = new URLSearchParams();
  // The student types /etc/apt as the shell shows it; the layer stores etc/apt.
  const text = filter.trim().replace(/^\/+/, '');
  if (text) query.set('filter', text);
  if (change) query.set('change', change);
  const search = query.toString();
  return `${imageLayersPath(ref)}/${index}${search ? `?${search}` : ''}`;
}
