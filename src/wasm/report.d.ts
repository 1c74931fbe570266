// The report's interfaces: the shape of `fgbg::Report` as serde writes it (camelCase). Kept
// in step with it by a test in src/options/typescript.rs.
/** Figures behind a segment's label. */
export interface SegmentCues {
  /** Active speech level, dBFS (RMS of the 125-4000 Hz band over confident speech frames). */
  levelDb: number;
  /** levelDb minus the foreground anchor's level, dB (negative = quieter than the foreground talker). */
  relativeLevelDb: number;
  /** Reverberation figure: median sharpest 20 ms level fall within +-150 ms, dB. Near talkers
   * typically 15-30 dB; far, reverberant speech under 10 dB. Low = reverberant / far. */
  reverb: number;
  /** Median modulation depth (std of the frame level over +-150 ms), dB. */
  depthDb: number;
  /** Median level above the noise floor, dB. */
  snrDb: number;
  /** Median 4-7 kHz level relative to the speech band, dB. */
  highBandDb: number;
  /** Mean background posterior of the model over the segment, 0..1. */
  backgroundScore: number;
}

/** One labelled stretch of speech (seconds). */
export interface LabelledSegment {
  start: number;
  end: number;
  label: "foreground" | "background";
  /** Probability that the label is right, 0..1 (calibrated). */
  confidence: number;
  /** True for a foreground segment under which background speech was detected. */
  overlap: boolean;
  cues: SegmentCues;
}

/** A voice activity segment (seconds). */
export interface SpeechSegment {
  start: number;
  end: number;
  confidence: number;
}

/** The analysis of a clip: the same object as the CLI's JSON report. */
export interface AnalysisReport {
  schemaVersion: number;
  version: string;
  /** The effective options (camelCase). */
  config: Required<AnalyzeOptions>;
  sampleRate: number;
  duration: number;
  /** Seconds per probability frame (0.01); frame i covers [i, i + 1) * frameSeconds. */
  frameSeconds: number;
  /** Sorted, non-overlapping, inside `speech`. */
  segments: LabelledSegment[];
  speech: SpeechSegment[];
  /** Per frame: probability that foreground speech is present. */
  foregroundProbability: Float32Array;
  /** Per frame: probability that background speech is present. */
  backgroundProbability: Float32Array;
  /** The foreground anchor: 95th-percentile level of confident speech frames. */
  anchor: { levelDb: number | null; frames: number };
  warnings: string[];
}
