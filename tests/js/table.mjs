// Loaded by tests/js/bad-input.test.mjs from a 127.0.0.1 server rooted at the repository.
import { runTable } from './bad-input-table.mjs';
async function speech() {
  const ctx = new OfflineAudioContext(1, 1, 16000);
  const bytes = await (await fetch('../../www/samples/sample.wav')).arrayBuffer();
  return (await ctx.decodeAudioData(bytes)).getChannelData(0);
}
try {
  const clip = await speech();
  const result = {};
  for (const build of ['pkg', 'pkg-simd']) {
    const mod = await import(`../../www/${build}/bystander.js`);
    await mod.default();
    // The SIMD build is the analyser alone: its decoder is the pkg-decoder module.
    const decoder = await import('../../www/pkg-decoder/bystander_decoder.js');
    await decoder.default();
    result[build] = runTable(build === 'pkg-simd' ? { ...decoder, ...mod } : mod, clip);
  }
  window.tableResult = result;
} catch (e) {
  window.tableResult = { error: e.message };
}
window.tableDone = true;
