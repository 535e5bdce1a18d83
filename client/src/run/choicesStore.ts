// The last Run Container choices per image, kept in the extension's global state so they survive
// restarts and are offered again ("Run with the same options").
import type * as vscode from 'vscode';

import type { RunChoices } from './runOptions';

const KEY = 'berth.run.lastChoices';
const MAX_IMAGES = 50;

export class RunChoicesStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(image: string): RunChoices | undefined {
    return this.memento.get<Record<string, RunChoices>>(KEY, {})[image];
  }

  async set(image: string, choices: RunChoices): Promise<void> {
    const all = { ...this.memento.get<Record<string, RunChoices>>(KEY, {}) };
    delete all[image];
    all[image] = choices;
    // Keep the most recent ones (insertion order is recency here).
    const entries = Object.entries(all).slice(-MAX_IMAGES);
    await this.memento.update(KEY, Object.fromEntries(entries));
  }
}
