// What the HTTP layer is given by the composition root: the session layer's services (absent
// when no Docker engine answers), the TPs, the progress store, and the readiness probe.
import type { Readiness } from '../../shared/contract.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import type { Logger } from '../log/log.ts';
import type { InstructorStore } from '../progress/instructor.ts';
import type { ProgressStore } from '../progress/store.ts';
import type { Classroom } from '../session/classroom.ts';
import type { SessionManager } from '../session/manager.ts';
import type { StepWorkflow } from '../session/steps.ts';
import type { SessionTerminals } from '../session/terminals.ts';
import type { SandboxFiles } from '../workspace/files.ts';
import type { SandboxPorts } from '../workspace/ports.ts';
import type { ImageExplorer } from '../workspace/images.ts';

export interface SessionServices {
  sessions: SessionManager;
  steps: StepWorkflow;
  terminals: SessionTerminals;
  /** The layer explorer of the sandboxes' images. */
  images: ImageExplorer;
  files: SandboxFiles;
  /** The ports listening in the sandboxes, for the web preview. */
  ports: SandboxPorts;
}

export interface AppDeps {
  /** Undefined when no Docker engine answered at start: the site works, sandboxes do not. */
  services: SessionServices | undefined;
  /** Why there are no services (French): no engine, or the sandboxes' isolation is not in place. */
  unavailable?: string;
  labs: Map<string, Lab>;
  progress: ProgressStore;
  /** Classes, their members and live state; works without a Docker engine. */
  classroom: Classroom;
  instructor: InstructorStore;
  /** Whether the Docker engine answers (its last known state: a busy engine must not slow /api/health). */
  engineAvailable(): Promise<boolean>;
  readiness(): Promise<Readiness>;
  log: Logger;
}
