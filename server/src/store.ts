// The open documents, each parsed at most once per version, and the service environment they are
// checked against. Also schedules validation: edits arriving in a burst are validated once, on
// the next turn of the event loop, never with a timer delay.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileDocument } from './document';
import { defaultEnvironment, type ServiceEnvironment } from './environment';

/** Documents whose derived data (symbols, lint results, tokens) stays cached: the ones worked on. */
const activeDocuments = 8;

export class DocumentStore {
  private readonly models = new Map<string, DockerfileDocument>();
  /** The most recently used documents, oldest first. */
  private readonly active: string[] = [];
  private readonly pending = new Set<string>();
  private scheduled = false;
  environment: ServiceEnvironment = defaultEnvironment;

  constructor(
    private readonly textDocument: (uri: string) => TextDocument | undefined,
    private readonly validate: (document: DockerfileDocument) => void,
  ) {}

  /** The model of the document's current version, parsing it if this version was not seen yet. */
  get(uri: string): DockerfileDocument | undefined {
    const text = this.textDocument(uri);
    if (!text) return undefined;
    let model = this.models.get(uri);
    if (model?.version !== text.version) {
      model = new DockerfileDocument(uri, text.version, text.getText());
      this.models.set(uri, model);
    }
    this.markActive(uri);
    return model;
  }

  /** Keeps `uri` among the active documents; the one that falls out drops its derived data. */
  private markActive(uri: string): void {
    const at = this.active.indexOf(uri);
    if (at === this.active.length - 1 && at >= 0) return;
    if (at >= 0) this.active.splice(at, 1);
    this.active.push(uri);
    if (this.active.length > activeDocuments) this.models.get(this.active.shift()!)?.trim();
  }

  close(uri: string): void {
    this.models.delete(uri);
    const at = this.active.indexOf(uri);
    if (at >= 0) this.active.splice(at, 1);
    this.pending.delete(uri);
  }

  uris(): string[] {
    return [...this.models.keys()];
  }

  /** Validates `uri` soon: after the current burst of messages, before anything else waits. */
  schedule(uri: string): void {
    this.pending.add(uri);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const uris = [...this.pending];
      this.pending.clear();
      for (const u of uris) {
        const model = this.get(u);
        if (model) this.validate(model);
      }
    });
  }

  /** Replaces the environment and revalidates every open document against it. */
  setEnvironment(environment: ServiceEnvironment): void {
    this.environment = environment;
    for (const uri of this.models.keys()) this.schedule(uri);
  }
}
