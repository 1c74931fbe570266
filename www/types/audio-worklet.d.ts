// The AudioWorkletGlobalScope names capture-worklet.js uses (TypeScript's DOM lib describes
// a window, not a worklet). Types only: nothing here is loaded by the page.
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor();
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;
