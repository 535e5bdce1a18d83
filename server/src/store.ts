// The open documents, each parsed at most once per version, and the service environment they are
// checked against. Also schedules validation: edits arriving in a burst are validated once, on
// the next turn of the event loop, never with a timer delay.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileDocument } from './document';
import { defaultEnvironment, type ServiceEnvironment } from './environment';

export class DocumentStore {
  private readonly models = new Map<string, DockerfileDocument>();
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
    const model = this.models.get(uri);
    if (model?.version === text.version) return model;
    const fresh = new DockerfileDocument(uri, text.version, text.getText());
    this.models.set(uri, fresh);
    return fresh;
  }

  close(uri: string): void {
    this.models.delete(uri);
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
