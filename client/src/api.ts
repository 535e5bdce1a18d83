// What the extension's activate() returns: other extensions and the e2e suite read it through
// vscode.extensions.getExtension('berth.berth').exports.
export interface BerthApi {
  /** The language server's own name and version from its initialize result, once it is running. */
  languageServerInfo(): { name: string; version?: string } | undefined;
}
