// What the pages put on `window` for tests and curious users (main.js, embed-example.js).
interface Window {
  bystanderDemo?: { reviewer: import('../reviewer.js').ReviewerController, showSample: () => Promise<unknown> };
  bystanderEmbed?: { reviewer: import('../reviewer.js').ReviewerController, next: () => Promise<void> };
}
