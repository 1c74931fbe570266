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
    result[build] = runTable(mod, clip);
  }
  window.tableResult = result;
} catch (e) {
  window.tableResult = { error: e.message };
}
window.tableDone = true;
