// Types of the `bystander/wavesurfer` entry. WaveSurferLike and RegionsLike are the parts of
// wavesurfer.js's WaveSurfer and Regions plugin (v7+) the adapter uses, so the package does
// not depend on wavesurfer.js's own types.
import type { AnalysisReport, Label, LabelledSegment } from './index.js';

export interface WaveSurferLike {
  on(event: 'timeupdate' | 'seeking', listener: (currentTime: number) => void): () => void;
  on(event: 'play', listener: () => void): () => void;
  getCurrentTime(): number;
  getMuted(): boolean;
  setMuted(muted: boolean): void;
}

export interface RegionLike {
  remove(): void;
}

export interface RegionsLike {
  addRegion(params: { id?: string; start: number; end?: number; color?: string; content?: string; drag?: boolean; resize?: boolean }): RegionLike;
}

export interface AttachOptions {
  /** Mute playback inside background segments (default true). */
  muteBackground?: boolean;
  /** Region colours by label (default LABEL_COLOURS). */
  colours?: Partial<Record<Label, string>>;
  /** Label text in each region (default true). */
  content?: boolean;
  /** Regions can be dragged and resized (default false). */
  editable?: boolean;
}

export interface WaveSurferAttachment<R extends RegionLike = RegionLike> {
  regions: R[];
  /** Whether playback is muted now because the playhead is in background speech. */
  readonly muted: boolean;
  setMuteBackground(on: boolean): void;
  /** Removes the regions and listeners; restores the host's mute state. */
  destroy(): void;
}

export const LABEL_COLOURS: Readonly<Record<Label, string>>;

export function attachToWaveSurfer<R extends RegionLike>(
  wavesurfer: WaveSurferLike,
  regions: { addRegion(params: Parameters<RegionsLike['addRegion']>[0]): R },
  report: AnalysisReport | LabelledSegment[],
  options?: AttachOptions,
): WaveSurferAttachment<R>;
