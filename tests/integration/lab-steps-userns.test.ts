// Every TP step in the userns isolation mode: the sandboxes run on the engine with
// userns-remap (scripts/start-docker-userns.sh), where their root is an ordinary host user. Each
// step must fail before its solve and pass after it there; the right and wrong variants, which
// judge the checks themselves, run in the default mode (lab-steps.test.ts).
import { labStepsSuite } from './lab-steps-suite.ts';
import { usernsEngine } from './harness.ts';

labStepsSuite(usernsEngine, { variants: false });
