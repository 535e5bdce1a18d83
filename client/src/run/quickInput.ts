// Steps of a guided quick input (title "Run Container (2/6)", a Back button from step 2 on): each
// step resolves with the answer, BACK, or undefined when the user dismissed it.
import * as vscode from 'vscode';

export const BACK = Symbol('back');
export type StepResult<T> = T | typeof BACK | undefined;

export interface StepPosition {
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
}

export function inputStep(
  position: StepPosition,
  options: {
    value: string;
    prompt: string;
    placeholder?: string;
    validate?: (value: string) => string | undefined;
  },
): Promise<StepResult<string>> {
  const input = vscode.window.createInputBox();
  input.title = position.title;
  input.step = position.step;
  input.totalSteps = position.totalSteps;
  input.value = options.value;
  input.prompt = options.prompt;
  input.placeholder = options.placeholder;
  input.ignoreFocusOut = true;
  if (position.step > 1) input.buttons = [vscode.QuickInputButtons.Back];
  return new Promise((resolve) => {
    const check = (value: string) => (input.validationMessage = options.validate?.(value));
    check(input.value);
    const subscriptions = [
      input.onDidChangeValue(check),
      input.onDidAccept(() => {
        if (check(input.value)) return;
        finish(input.value);
      }),
      input.onDidTriggerButton(() => finish(BACK)),
      input.onDidHide(() => finish(undefined)),
    ];
    let finished = false;
    function finish(result: StepResult<string>) {
      if (finished) return;
      finished = true;
      for (const s of subscriptions) s.dispose();
      input.dispose();
      resolve(result);
    }
    input.show();
  });
}

export function pickStep<T extends vscode.QuickPickItem>(
  position: StepPosition,
  options: {
    items: readonly T[];
    placeholder: string;
    active?: T;
    /** Rebuilds the items as the user types (e.g. to offer pulling the typed name). */
    itemsFor?: (value: string) => readonly T[];
    /** Turns the accepted item into the answer, given the text typed at that moment. */
    resolve?: (chosen: T, typed: string) => T;
  },
): Promise<StepResult<T>> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = position.title;
  pick.step = position.step;
  pick.totalSteps = position.totalSteps;
  pick.placeholder = options.placeholder;
  let shown = options.items;
  pick.items = shown;
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  if (options.active) pick.activeItems = [options.active];
  if (position.step > 1) pick.buttons = [vscode.QuickInputButtons.Back];
  return new Promise((resolve) => {
    const subscriptions = [
      pick.onDidChangeValue((value) => {
        // Assigning items resets the active item: only do it when the list really changes, so that
        // Enter right after typing still picks the highlighted item.
        const items = options.itemsFor?.(value);
        if (items && items !== shown) pick.items = shown = items;
      }),
      pick.onDidAccept(() => {
        const [chosen] = pick.selectedItems.length ? pick.selectedItems : pick.activeItems;
        if (chosen) finish(options.resolve ? options.resolve(chosen, pick.value) : chosen);
      }),
      pick.onDidTriggerButton(() => finish(BACK)),
      pick.onDidHide(() => finish(undefined)),
    ];
    let finished = false;
    function finish(result: StepResult<T>) {
      if (finished) return;
      finished = true;
      for (const s of subscriptions) s.dispose();
      pick.dispose();
      resolve(result);
    }
    pick.show();
  });
}
