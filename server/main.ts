// Entry point of `npm start`: the composition root is server/startup/main.ts, in a folder of its
// own so that the layer lint checks it like every other layer.
import './startup/main.ts';
