// Classic script, loaded right before /node_modules/fft.js/lib/fft.js (a CommonJS file
// without a browser build). It provides the `module` object that file assigns to
// (`module.exports = FFT;`), so fft.js can be loaded by a plain <script src> under the
// page's CSP (script-src 'self': no inline script, no eval, no bundler).
// fftjs-stft.js picks the constructor up from `module.exports` and removes this global.
globalThis.module = { exports: {} };
