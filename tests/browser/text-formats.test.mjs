// Node (no browser): the page's annotation writers (www/exports.js) against the CLI's
// (src/segment.rs, src/bin/bystander/exports.rs). For each clip of tests/fixtures/fgbg, and a
// copy of one under a name with spaces and brackets, the CLI's JSON report gives the
// segments; the JS writers' RTTM, WebVTT, Audacity labels, TextGrid and Label Studio JSON for
// that report must be byte-identical to what `bystander analyze --format <format>` writes for
// the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rttmFileId, toAudacity, toLabelStudio, toRttm, toTextGrid, toWebVtt } from '../../www/exports.js';
import { ROOT, cliBinary } from './helpers.mjs';

const DIR = path.join(ROOT, 'tests/fixtures/fgbg');
const CLIPS = fs.readdirSync(DIR).filter((f) => f.endsWith('.wav')).sort().map((f) => path.join(DIR, f));

/** The JS writer of each CLI format, given the CLI's report for `file` (as the page names it). */
const WRITERS = {
  rttm: (report, file) => toRttm(rttmFileId(path.basename(file)), report.segments),
  vtt: (report) => toWebVtt(report.segments),
  audacity: (report) => toAudacity(report.segments),
  textgrid: (report) => toTextGrid(report.segments, report.duration, 'speech'),
  labelstudio: (report, file, modelVersion) => toLabelStudio(report.segments, { audio: path.basename(file), duration: report.duration, modelVersion }),
};

test('the JS text writers are byte-identical to the CLI\'s on the same report (RTTM, WebVTT, Audacity, TextGrid, Label Studio)', async (t) => {
  assert.ok(CLIPS.length >= 5, `${CLIPS.length} fixture clips`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bystander-formats-'));
  t.after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const spaced = path.join(scratch, 'two talkers (take 2).wav');
  fs.copyFileSync(path.join(DIR, 'two_talkers.wav'), spaced);
  const cli = await cliBinary();
  // Run where the file is, so that Label Studio's `data.audio` (the path relative to the
  // current directory) is the file's name, as the page writes it.
  const run = (file, args) => execFileSync(cli, ['analyze', ...args, path.basename(file)], { cwd: path.dirname(file), encoding: 'utf8' });
  let segments = 0;
  let overlaps = 0;
  for (const file of [...CLIPS, spaced]) {
    const report = JSON.parse(run(file, ['--format', 'json', '--no-frames']));
    const { modelVersion } = JSON.parse(run(file, ['--format', 'jsonl', '--no-frames']));
    assert.match(modelVersion, /^fnv1a64-[0-9a-f]{16}$/);
    segments += report.segments.length;
    overlaps += report.segments.filter((s) => s.overlap).length;
    for (const [format, write] of Object.entries(WRITERS)) {
      const theirs = run(file, ['--format', format]);
      assert.equal(write(report, file, modelVersion), theirs, `${path.basename(file)}: ${format} identical to the CLI's`);
    }
  }
  assert.ok(segments > 0 && overlaps > 0, 'the fixtures have segments, some with background under them');
  const rttm = run(spaced, ['--format', 'rttm']);
  assert.ok(rttm.split('\n').filter(Boolean).every((l) => l.startsWith('SPEAKER two_talkers_take_2_ 1 ') && l.split(' ').length === 10), rttm);
  console.log(`# JS writers == CLI on ${CLIPS.length + 1} clips (${segments} segments, ${overlaps} with overlap; one file name with spaces) x ${Object.keys(WRITERS).length} formats`);
});

test('the RTTM file id rule: one "_" per run of unsafe characters, the extension dropped', () => {
  assert.equal(rttmFileId('my clip (2).wav'), 'my_clip_2_');
  assert.equal(rttmFileId('Gespräch; "take" 1.ogg'), 'Gespr_ch_take_1');
  assert.equal(rttmFileId('a.b.flac'), 'a.b');
  assert.equal(rttmFileId('.wav'), 'audio');
  assert.equal(rttmFileId('x.'), 'x.');
  const lines = toRttm('two words', [{ start: 1, end: 2, label: 'foreground', overlap: true }]).split('\n');
  assert.deepEqual(lines, [
    'SPEAKER two_words 1 1.000 1.000 <NA> <NA> foreground <NA> <NA>',
    'SPEAKER two_words 1 1.000 1.000 <NA> <NA> background <NA> <NA>',
    '',
  ]);
});

test('Label Studio: the reviewer\'s changes come as an annotation beside the predictions', () => {
  const analysed = [
    { start: 0.5, end: 1.25, label: 'foreground', confidence: 0.912345, overlap: true },
    { start: 2, end: 3, label: 'background', confidence: 0.6 },
  ];
  const reviewed = [analysed[0], { ...analysed[1], label: 'foreground', edited: true, originalLabel: 'background' }];
  const [task] = JSON.parse(toLabelStudio(analysed, { audio: 'a.wav', duration: 4, modelVersion: 'm1', reviewed }));
  assert.equal(task.predictions[0].model_version, 'm1');
  assert.deepEqual(task.predictions[0].result.map((r) => [r.id, r.value.labels[0], r.score]),
    [['seg1', 'foreground', 0.9123], ['seg1-overlap', 'background', undefined], ['seg2', 'background', 0.6]]);
  const annotation = task.annotations[0].result;
  assert.deepEqual(annotation.map((r) => [r.id, r.value.labels[0], r.origin]),
    [['seg1', 'foreground', 'prediction'], ['seg1-overlap', 'background', 'prediction'], ['seg2', 'foreground', 'manual']]);
  assert.ok(annotation.every((r) => r.score === undefined && r.original_length === 4));
  assert.equal(JSON.parse(toLabelStudio(analysed, { audio: 'a.wav' }))[0].annotations, undefined, 'no annotation without review');
});
