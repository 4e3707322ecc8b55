// What a driver left on an engine that no live sandbox owns: checkers and volumes labelled with
// a session. Listed before the live sandboxes are (a sandbox whose start ends in between is then
// seen live), removed after; shared by the Docker driver and each node of the Swarm driver.
import type { CheckerContainers } from './checker-containers.ts';
import { labels } from './driver.ts';
import type { EngineCalls } from './engine-calls.ts';

/** This instance's checkers and volumes on one engine, with the session each belongs to. */
export interface Owned {
  checkers: (string | undefined)[];
  volumes: { name: string; session: string | undefined }[];
}

/** Labels that make an object this instance's. */
export function instanceLabels(instance: string): string[] {
  return [`${labels.managed}=true`, `${labels.instance}=${instance}`];
}

export async function listOwned(calls: EngineCalls, instance: string): Promise<Owned> {
  const mine = instanceLabels(instance);
  const checkers = await calls.docker.listContainers({
    all: true,
    filters: { label: [...mine, `${labels.role}=checker`] },
    ...calls.within(),
  });
  const { Volumes: volumes } = await calls.docker.listVolumes({ filters: { label: mine }, ...calls.within() });
  return {
    checkers: checkers.map((c) => c.Labels[labels.session]),
    volumes: (volumes ?? []).map((v) => ({ name: v.Name, session: v.Labels?.[labels.session] })),
  };
}

/** Removes what `orphan` says no live sandbox owns; how many. */
export async function removeOwned(
  calls: EngineCalls,
  checkers: CheckerContainers,
  owned: Owned,
  orphan: (session: string | undefined) => session is string,
): Promise<number> {
  let removed = 0;
  for (const session of owned.checkers) {
    if (orphan(session)) {
      await checkers.removeContainer(session);
      removed++;
    }
  }
  for (const volume of owned.volumes) {
    if (orphan(volume.session)) {
      await calls.docker
        .getVolume(volume.name)
        .remove(calls.within())
        .catch(() => {});
      removed++;
    }
  }
  return removed;
}
