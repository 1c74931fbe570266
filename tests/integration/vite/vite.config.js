// The package's worker is a module worker: Vite bundles it as one ES module. Vite inlines
// small assets as data: URLs (the capture worklet among them), which a CSP without data: in
// script-src refuses: assetsInlineLimit 0 keeps them files.
export default { worker: { format: 'es' }, build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 } };
