// Node (no browser): the page's annotation writers (www/exports.js) against the CLI's
// (src/segment.rs). For each clip of tests/fixtures/fgbg, the CLI's JSON report gives the
// segments; the JS writers' RTTM, WebVTT, Audacity labels and TextGrid for that report must
// be byte-identical to what `bystander analyze --format <format>` writes for the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { toAudacity, toRttm, toTextGrid, toWebVtt } from '../../www/exports.js';
import { ROOT, cliBinary } from './helpers.mjs';

const DIR = path.join(ROOT, 'tests/fixtures/fgbg');
const CLIPS = fs.readdirSync(DIR).filter((f) => f.endsWith('.wav')).sort();

/** The JS writer of each CLI format, given the CLI's report for `file`. */
const WRITERS = {
  rttm: (report, file) => toRttm(path.basename(file, '.wav'), report.segments),
  vtt: (report) => toWebVtt(report.segments),
  audacity: (report) => toAudacity(report.segments),
  textgrid: (report) => toTextGrid(report.segments, report.duration, 'speech'),
};

test('the JS text writers are byte-identical to the CLI\'s on the same report (RTTM, WebVTT, Audacity, TextGrid)', async () => {
  assert.ok(CLIPS.length >= 5, `${CLIPS.length} fixture clips`);
  const cli = await cliBinary();
  let segments = 0;
  for (const clip of CLIPS) {
    const file = path.join(DIR, clip);
    const report = JSON.parse(execFileSync(cli, ['analyze', '--format', 'json', '--no-frames', file], { encoding: 'utf8' }));
    segments += report.segments.length;
    for (const [format, write] of Object.entries(WRITERS)) {
      const theirs = execFileSync(cli, ['analyze', '--format', format, file], { encoding: 'utf8' });
      assert.equal(write(report, file), theirs, `${clip}: ${format} identical to the CLI's`);
    }
  }
  assert.ok(segments > 0, 'the fixtures have segments');
  console.log(`# JS writers == CLI on ${CLIPS.length} clips (${segments} segments) x ${Object.keys(WRITERS).length} formats`);
});
