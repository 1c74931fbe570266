//! `bystander`: the command-line tool over the same core as the wasm package.
//!
//! Exit codes: 0 success, 1 an input could not be processed (the other inputs still are),
//! 2 usage error.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::run()
}

#[cfg(not(target_arch = "wasm32"))]
mod analyze_cmd;
#[cfg(not(target_arch = "wasm32"))]
mod batch;
#[cfg(not(target_arch = "wasm32"))]
mod eval_cmd;
#[cfg(not(target_arch = "wasm32"))]
mod exports;
#[cfg(not(target_arch = "wasm32"))]
mod fgbg_eval;
#[cfg(not(target_arch = "wasm32"))]
mod jsonl;
#[cfg(not(target_arch = "wasm32"))]
mod progress;
#[cfg(all(not(target_arch = "wasm32"), feature = "dev"))]
mod training;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use bystander::formats::write_npy_f32;
    use bystander::options::{
        image_config, spectrogram_config, OptionMap, OptionValue, IMAGE_OPTIONS,
        SPECTROGRAM_OPTIONS,
    };
    use bystander::AudioReader;
    use bystander::Resampler;
    use bystander::{render_spectrogram, spectrogram, RgbaImage};
    use clap::{Parser, Subcommand, ValueEnum};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    /// Client-side speech analysis: librosa-exact spectrograms, voice activity and
    /// foreground/background speech labels. Audio files are decoded with symphonia (WAV,
    /// FLAC, MP3, Ogg/Vorbis), averaged to mono and resampled with rubato.
    #[derive(Parser, Debug)]
    #[command(name = "bystander", version, about, long_about = None)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand, Debug)]
    enum Command {
        /// Compute a spectrogram; write it as a float32 frames x bins .npy and/or a PNG.
        Spectrogram(SpectrogramArgs),
        /// Detect speech (anyone speaking) in audio files; print segments.
        Vad(VadArgs),
        /// Label speech foreground (the near talker) or background (far talkers, TV, another
        /// room); print the report or segments.
        Analyze(crate::analyze_cmd::AnalyzeArgs),
        /// Score voice activity against reference RTTMs: every *.wav with a matching *.rttm
        /// (and *.uem) under DIR, or the *.wav under DIR named in one combined --reference
        /// RTTM (and --uem), per clip and pooled per folder, with optional peers.
        Eval(EvalArgs),
        /// The hidden training subcommands (`tune-vad`, `fgbg-features`, `log-mel`).
        #[cfg(feature = "dev")]
        #[command(flatten)]
        Training(crate::training::TrainingCommand),
    }

    #[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
    enum SegmentFormat {
        /// One JSON object per file: { file, duration, frameSeconds, segments }
        Json,
        /// NIST RTTM, speaker name `speech`
        Rttm,
        /// Audacity label track (start, end, label; tab-separated)
        Audacity,
        /// WebVTT cues
        Vtt,
    }

    #[derive(clap::Args, Debug)]
    struct VadArgs {
        /// Audio files (WAV, FLAC, MP3, Ogg/Vorbis).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "rttm")]
        format: SegmentFormat,
        /// Voice activity option as NAME=VALUE (JS camelCase names); repeatable.
        #[arg(long = "set", value_name = "NAME=VALUE", long_help = set_help("Voice activity", &["vad"]))]
        set: Vec<String>,
        /// Write one file per input into DIR (<stem>.rttm/.json/.txt/.vtt) instead of stdout.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Include the per-frame speech probabilities in JSON output.
        #[arg(long)]
        probabilities: bool,
    }

    #[derive(clap::Args, Debug)]
    struct EvalArgs {
        /// Folder searched recursively for *.wav + *.rttm (+ *.uem), or for the *.wav of
        /// --reference.
        dir: PathBuf,
        /// One RTTM holding the reference of every clip (field 2, the file id: the audio's
        /// name without extension, with each run of characters other than A-Z a-z 0-9 _ . -
        /// as one `_`); replaces the per-clip *.rttm and *.uem.
        #[arg(long, value_name = "RTTM")]
        reference: Option<PathBuf>,
        /// With --reference: the scored regions of every clip as one UEM; the clips scored
        /// are those it lists.
        #[arg(long, value_name = "UEM", requires = "reference")]
        uem: Option<PathBuf>,
        /// A peer's hypotheses as NAME=DIR, DIR holding <stem>.rttm per clip, or NAME=FILE, one
        /// combined RTTM; repeatable.
        #[arg(long = "peer", value_name = "NAME=DIR")]
        peers: Vec<String>,
        /// Voice activity and labeller option as NAME=VALUE (JS camelCase names); repeatable.
        #[arg(long = "set", value_name = "NAME=VALUE", long_help = set_help("Voice activity and labeller", &["vad", "labeller"]))]
        set: Vec<String>,
        /// Print the figures as JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Also write bystander's hypotheses as <stem>.rttm into DIR.
        #[arg(long)]
        save_rttm: Option<PathBuf>,
    }

    #[derive(Clone, Copy, Debug, ValueEnum)]
    enum PresetArg {
        /// librosa.feature.melspectrogram(n_fft=512, hop_length=160, n_mels=64, power=2,
        /// center=True, pad_mode='constant', htk=False, norm='slaney')
        Librosa,
        /// Kaldi fbank as kaldi-native-fbank (dither 0): 25/10 ms, povey, 80 bins, log
        Kaldi,
        /// torchaudio MelSpectrogram(n_fft=400, hop_length=160, n_mels=80, reflect, htk)
        Torchaudio,
    }

    #[derive(Clone, Copy, Debug, ValueEnum)]
    enum OutputArg {
        /// n_fft/2+1 linear-frequency bins
        Linear,
        /// mel bands
        Mel,
        /// MFCCs of the dB mel bands
        Mfcc,
    }

    #[derive(clap::Args, Debug)]
    struct SpectrogramArgs {
        /// Input audio file (WAV, FLAC, MP3, Ogg/Vorbis).
        file: PathBuf,
        /// Preset (defaults of every other option).
        #[arg(long, value_enum, default_value = "librosa")]
        preset: PresetArg,
        /// Rows: linear bins, mel bands or MFCCs [preset: mel].
        #[arg(long, value_enum)]
        output: Option<OutputArg>,
        /// FFT length in samples [preset].
        #[arg(long)]
        n_fft: Option<u32>,
        /// Hop length in samples [preset].
        #[arg(long)]
        hop: Option<u32>,
        /// Window length in samples [n_fft].
        #[arg(long)]
        win_length: Option<u32>,
        /// Number of mel bands [preset].
        #[arg(long)]
        mels: Option<u32>,
        /// Convert to dB: power_to_db(ref=1.0, amin=1e-10, top_db=80).
        #[arg(long)]
        db: bool,
        /// Analysis sample rate in Hz; the file is resampled to it. 0 keeps the file's rate.
        #[arg(long, default_value_t = 16000)]
        sample_rate: u32,
        /// Write the values as a float32 (frames, bins) NumPy .npy file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write a colour-mapped image (time left to right, frequency bottom to top).
        #[arg(long)]
        png: Option<PathBuf>,
        /// Colour map of the PNG: viridis, magma or gray.
        #[arg(long, default_value = "viridis")]
        colormap: String,
        /// Frequency axis of the PNG: linear, log or mel.
        #[arg(long, default_value = "linear")]
        frequency_scale: String,
        /// PNG height in pixels.
        #[arg(long, default_value_t = 256)]
        height: u32,
        /// Spectrogram or image option as NAME=VALUE (JS camelCase names, e.g. nFft=1024);
        /// repeatable; applied after the flags above, which are aliases of some of them.
        #[arg(long = "set", value_name = "NAME=VALUE", long_help = set_help("Spectrogram or image", &["spectrogram", "image"]))]
        set: Vec<String>,
    }

    pub fn run() -> ExitCode {
        install_panic_hook();
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(e) => {
                let code = if e.use_stderr() { 2 } else { 0 };
                let _ = e.print();
                return ExitCode::from(code);
            }
        };
        let result = match cli.command {
            Command::Spectrogram(args) => run_spectrogram(&args),
            Command::Vad(args) => run_vad(&args),
            Command::Eval(args) => crate::eval_cmd::run(
                &args.dir,
                &args.peers,
                &args.set,
                args.json,
                args.save_rttm.as_deref(),
                args.reference.as_deref().map(|r| (r, args.uem.as_deref())),
            ),
            Command::Analyze(args) => crate::analyze_cmd::run(&args),
            #[cfg(feature = "dev")]
            Command::Training(command) => crate::training::run(command),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(Failure::Usage(msg)) => {
                eprintln!("bystander: {msg}");
                ExitCode::from(2)
            }
            Err(Failure::Input(msg)) => {
                eprintln!("bystander: {msg}");
                ExitCode::from(1)
            }
            Err(Failure::Reported) => ExitCode::from(1),
        }
    }

    pub enum Failure {
        /// Bad flags or options: exit 2.
        Usage(String),
        /// An input could not be processed: exit 1.
        Input(String),
        /// Inputs failed and each has had its line already: exit 1, nothing more to print.
        Reported,
    }

    /// Parses repeated `NAME=VALUE` flags into an option map (numbers, booleans, `null`,
    /// strings).
    pub fn parse_set(pairs: &[String]) -> Result<OptionMap, Failure> {
        pairs
            .iter()
            .map(|p| {
                let (k, v) = p
                    .split_once('=')
                    .ok_or_else(|| Failure::Usage(format!("--set {p:?}: expected NAME=VALUE")))?;
                Ok((k.to_string(), OptionValue::from_text(v)))
            })
            .collect()
    }

    /// The long help of a `--set` flag: the options of `tables`, from the option tables.
    pub fn set_help(what: &str, tables: &[&str]) -> String {
        format!(
            "{what} option as NAME=VALUE, NAME as in JS (camelCase); repeatable. Absent or \
             null options take their defaults. Options:\n{}",
            bystander::options::help_text(tables)
        )
    }

    /// `<path>: <reason>` as an input failure. I/O reasons come without the "i/o error"
    /// prefix ("No such file or directory", "is a directory"); the others as the crate words
    /// them ("cannot decode audio: ...", "unsupported sample rate ...").
    pub fn input_error(path: &Path, e: &bystander::Error) -> Failure {
        let reason = match e {
            bystander::Error::Io(m) => m.clone(),
            other => other.to_string(),
        };
        Failure::Input(format!("{}: {reason}", path.display()))
    }

    /// Prints `bystander: <path>: warning: <what>` (one line) on stderr.
    pub fn warn(path: &Path, what: &str) {
        eprintln!("bystander: {}: warning: {what}", path.display());
    }

    /// Prints a failed input's one line on stderr.
    pub fn report_failure(f: &Failure) {
        if let Failure::Input(msg) | Failure::Usage(msg) = f {
            eprintln!("bystander: {msg}");
        }
    }

    /// The summary of a multi-file run with failures: each failed file has had its own line
    /// already, so a single file needs none.
    pub fn failures(failed: usize, total: usize, what: &str) -> Result<(), Failure> {
        match failed {
            0 => Ok(()),
            _ if total == 1 => Err(Failure::Reported),
            _ => Err(Failure::Input(format!("{failed} of {total} {what} failed"))),
        }
    }

    thread_local! {
        /// Set while [`guarded`] runs on this thread: a panic is then recorded, not printed.
        static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        /// The last panic recorded under [`guarded`] on this thread.
        static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    }

    /// Panics under [`guarded`] become that file's one-line error; elsewhere they print as
    /// usual.
    fn install_panic_hook() {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(|g| g.get()) {
                return default(info);
            }
            let payload = info.payload();
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
        }));
    }

    /// Runs one file's work so that a panic in it (a decoder bug on a crafted file) fails
    /// that file with one line instead of ending the run.
    pub fn guarded<T>(
        path: &Path,
        work: impl FnOnce() -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        // Nested calls (a guarded command loading through a guarded `load`) keep the outer
        // guard.
        let outer = GUARDED.with(|g| g.replace(true));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        GUARDED.with(|g| g.set(outer));
        result.unwrap_or_else(|_| {
            let what = PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "unknown panic".into());
            Err(Failure::Input(format!(
                "{}: internal error (please report): {}",
                path.display(),
                what.replace('\n', " ")
            )))
        })
    }

    /// An audio file decoded block by block (mono, at its own rate), so that a long file is
    /// never held whole.
    pub struct Input<'a> {
        path: &'a Path,
        reader: AudioReader,
        block: Vec<f32>,
        /// Mono samples decoded so far.
        samples: usize,
    }

    impl<'a> Input<'a> {
        pub fn open(path: &'a Path) -> Result<Self, Failure> {
            Ok(Input {
                path,
                reader: AudioReader::open(path).map_err(|e| input_error(path, &e))?,
                block: Vec::new(),
                samples: 0,
            })
        }

        /// The file's sample rate, Hz.
        pub fn rate(&self) -> u32 {
            self.reader.sample_rate()
        }

        /// The next decoded block (possibly empty), or `None` at the end.
        pub fn next_block(&mut self) -> Result<Option<&[f32]>, Failure> {
            self.block.clear();
            let more = self
                .reader
                .next_block(&mut self.block)
                .map_err(|e| input_error(self.path, &e))?;
            self.samples += self.block.len();
            Ok(if more || !self.block.is_empty() {
                Some(&self.block)
            } else {
                None
            })
        }

        /// After the last block: fails a file without samples, prints the decoder's warnings
        /// and returns them.
        pub fn finish(self) -> Result<Vec<String>, Failure> {
            if self.samples == 0 {
                return Err(Failure::Input(format!(
                    "{}: no audio samples in the file",
                    self.path.display()
                )));
            }
            let warnings = self.reader.warnings();
            for w in &warnings {
                warn(self.path, w);
            }
            Ok(warnings)
        }
    }

    /// Decodes a whole file to mono at its own rate.
    pub fn load_native(path: &Path) -> Result<(Vec<f32>, u32), Failure> {
        load(path, 0)
    }

    fn run_vad(args: &VadArgs) -> Result<(), Failure> {
        let config = bystander::options::vad_config(&parse_set(&args.set)?)
            .map_err(|e| Failure::Usage(e.to_string()))?;
        if let Some(dir) = &args.out_dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
        }
        let mut failed = 0;
        let mut json_items = Vec::new();
        for file in &args.files {
            let (activity, duration) = match guarded(file, || detect_file(file, &config)) {
                Ok(r) => r,
                Err(f) => {
                    report_failure(&f);
                    failed += 1;
                    continue;
                }
            };
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("audio");
            let name = file.file_name().map(|s| s.to_string_lossy());
            let id = bystander::formats::rttm_file_id(name.as_deref().unwrap_or(""));
            let named: Vec<_> = activity
                .segments
                .iter()
                .map(|s| bystander::formats::NamedSegment {
                    start: s.start,
                    end: s.end,
                    name: "speech",
                })
                .collect();
            let mut json = serde_json::json!({
                "file": file.display().to_string(),
                "duration": duration,
                "frameSeconds": activity.frame_seconds,
                "segments": activity.segments.iter().map(|s| serde_json::json!({
                    "start": s.start, "end": s.end, "confidence": s.confidence,
                })).collect::<Vec<_>>(),
            });
            if args.probabilities {
                json["probabilities"] = serde_json::json!(activity.probabilities);
            }
            let (text, ext) = match args.format {
                SegmentFormat::Rttm => (bystander::formats::to_rttm(&id, &named), "rttm"),
                SegmentFormat::Audacity => (bystander::formats::to_audacity(&named), "txt"),
                SegmentFormat::Vtt => (bystander::formats::to_webvtt(&named), "vtt"),
                SegmentFormat::Json => (format!("{json:#}\n"), "json"),
            };
            match &args.out_dir {
                Some(dir) => {
                    let path = dir.join(format!("{stem}.{ext}"));
                    std::fs::write(&path, text)
                        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
                }
                None if args.format == SegmentFormat::Json => json_items.push(json),
                None => print!("{text}"),
            }
        }
        if !json_items.is_empty() {
            println!("{:#}", serde_json::Value::Array(json_items));
        }
        failures(failed, args.files.len(), "files")
    }

    /// Voice activity of one file, streamed from the decoder, and its duration in seconds.
    fn detect_file(
        path: &Path,
        config: &bystander::VadConfig,
    ) -> Result<(bystander::VoiceActivity, f64), Failure> {
        let fail = |e: bystander::Error| input_error(path, &e);
        let mut input = Input::open(path)?;
        let rate = input.rate();
        let mut vad =
            bystander::VoiceActivityDetector::new(rate as f64, config.clone()).map_err(fail)?;
        let (mut probabilities, mut segments) = (Vec::new(), Vec::new());
        while let Some(block) = input.next_block()? {
            vad.push(block, &mut probabilities, &mut segments)
                .map_err(fail)?;
        }
        input.finish()?;
        vad.finish(&mut probabilities, &mut segments)
            .map_err(fail)?;
        let activity = bystander::VoiceActivity {
            frame_seconds: bystander::VAD_FRAME_SECONDS,
            probabilities,
            segments,
            non_finite_samples: vad.non_finite_samples(),
        };
        Ok((activity, vad.duration()))
    }

    /// Decodes `path`, averages it to mono and resamples it to `rate` (0 = keep).
    fn load(path: &Path, rate: u32) -> Result<(Vec<f32>, u32), Failure> {
        guarded(path, || {
            let fail = |e: bystander::Error| input_error(path, &e);
            let mut input = Input::open(path)?;
            let target = if rate == 0 { input.rate() } else { rate };
            let mut resampler = Resampler::new(input.rate() as f64, target as f64).map_err(fail)?;
            let mut out = Vec::new();
            while let Some(block) = input.next_block()? {
                resampler.push(block, &mut out).map_err(fail)?;
            }
            resampler.finish(&mut out).map_err(fail)?;
            input.finish()?;
            Ok((out, target))
        })
    }

    fn run_spectrogram(args: &SpectrogramArgs) -> Result<(), Failure> {
        if args.out.is_none() && args.png.is_none() {
            return Err(Failure::Usage(
                "spectrogram: give --out OUT.npy and/or --png OUT.png".into(),
            ));
        }
        let mut options: OptionMap = vec![(
            "preset".into(),
            OptionValue::Str(
                match args.preset {
                    PresetArg::Librosa => "librosa",
                    PresetArg::Kaldi => "kaldi",
                    PresetArg::Torchaudio => "torchaudio",
                }
                .into(),
            ),
        )];
        let mut number = |name: &str, v: Option<u32>| {
            if let Some(v) = v {
                options.push((name.into(), OptionValue::Number(v as f64)));
            }
        };
        number("nFft", args.n_fft);
        number("hopLength", args.hop);
        number("winLength", args.win_length);
        number("nMels", args.mels);
        if let Some(o) = args.output {
            let name = match o {
                OutputArg::Linear => "linear",
                OutputArg::Mel => "mel",
                OutputArg::Mfcc => "mfcc",
            };
            options.push(("output".into(), OptionValue::Str(name.into())));
        }
        if args.db {
            options.push(("db".into(), OptionValue::Bool(true)));
        }
        let rate_for_check = if args.sample_rate == 0 {
            16000.0
        } else {
            args.sample_rate as f64
        };
        let mut image_options: OptionMap = vec![
            ("colormap".into(), OptionValue::Str(args.colormap.clone())),
            (
                "frequencyScale".into(),
                OptionValue::Str(args.frequency_scale.clone()),
            ),
            ("height".into(), OptionValue::Number(args.height as f64)),
        ];
        // `fMin` and `fMax` are the mel bands' here (the PNG shows the whole linear range).
        for (name, value) in parse_set(&args.set)? {
            if IMAGE_OPTIONS.contains(&name.as_str())
                && !SPECTROGRAM_OPTIONS.contains(&name.as_str())
            {
                image_options.push((name, value));
            } else {
                options.push((name, value));
            }
        }
        let usage = |e: bystander::Error| Failure::Usage(e.to_string());
        spectrogram_config(rate_for_check, &options).map_err(usage)?;
        let image_config = image_config(&image_options).map_err(usage)?;
        let (samples, rate) = load(&args.file, args.sample_rate)?;
        let fail = |e: bystander::Error| Failure::Input(format!("{}: {e}", args.file.display()));
        let config = spectrogram_config(rate as f64, &options).map_err(fail)?;
        if let Some(out) = &args.out {
            let s = spectrogram(&samples, &config).map_err(fail)?;
            let bytes = write_npy_f32(&[s.frames, s.bins], &s.data);
            std::fs::write(out, bytes)
                .map_err(|e| Failure::Input(format!("{}: {e}", out.display())))?;
            eprintln!(
                "{}: {} frames x {} bins ({} preset, {} Hz, hop {:.4} s) -> {}",
                args.file.display(),
                s.frames,
                s.bins,
                config.preset,
                rate,
                config.hop_seconds(),
                out.display()
            );
        }
        if let Some(png_path) = &args.png {
            let img = render_spectrogram(&samples, rate as f64, &config.stft, &image_config)
                .map_err(fail)?;
            write_png(png_path, &img)
                .map_err(|e| Failure::Input(format!("{}: {e}", png_path.display())))?;
            eprintln!(
                "{}: {} x {} image -> {}",
                args.file.display(),
                img.width,
                img.height,
                png_path.display()
            );
        }
        Ok(())
    }

    fn write_png(path: &Path, img: &RgbaImage) -> Result<(), String> {
        let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
        let mut encoder = png::Encoder::new(
            std::io::BufWriter::new(file),
            img.width as u32,
            img.height as u32,
        );
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer
            .write_image_data(&img.rgba)
            .map_err(|e| e.to_string())
    }
}
