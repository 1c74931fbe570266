// @ts-check
// Live capture for the review page: forwards every 128-sample render quantum of the first
// input channel, unchanged, to the analysis worker through a MessagePort the page transfers
// here ({ port } on this node's own port). Outputs silence (the node is not monitored).
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.target = null;
    this.port.onmessage = (e) => {
      if (e.data && e.data.port) this.target = e.data.port;
      if (e.data && e.data.stop) this.target = null;
    };
  }

  process(inputs) {
    const input = inputs[0];
    if (this.target && input && input.length) {
      const block = new Float32Array(input[0]);
      this.target.postMessage(block, [block.buffer]);
    }
    return true;
  }
}

registerProcessor('bystander-capture', CaptureProcessor);
