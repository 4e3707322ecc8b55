// Every TP step in the default isolation mode (the sandbox's root is the host's, few capabilities).
import { labStepsSuite } from './lab-steps-suite.ts';

labStepsSuite();
