// Every TP step in the userns isolation mode: the sandboxes run on the engine with
// userns-remap (scripts/start-docker-userns.sh), where their root is an ordinary host user.
import { labStepsSuite } from './lab-steps-suite.ts';
import { usernsEngine } from './harness.ts';

labStepsSuite(usernsEngine);
