// A production build with webpack 5's defaults: the package's `new Worker(new URL(...))`
// becomes a worker chunk and each `new URL('x.wasm', import.meta.url)` an emitted asset.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export default {
  mode: 'production',
  context: here,
  entry: './app.js',
  output: { path: path.join(here, 'dist'), clean: true },
};
