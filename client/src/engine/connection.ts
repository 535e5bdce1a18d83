// The one connection to the container engine: which socket (engine/target.ts), whether it answers,
// its event stream, and getting it back when the engine restarts. Views and commands ask it for a
// dockerode client; nothing else opens sockets to the engine.
import type Docker from 'dockerode';
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { loadEngineBundle } from '../lazy';
import { BundledEngine, type BundledEngineSettings } from './bundled';
import type { EngineEvent } from './events';
import { JsonLineSplitter } from './jsonLines';
import { pingSocket } from './socketWait';
import { resolveEngineTarget, type EngineTarget } from './target';

export interface EngineInfo {
  /** "berthd", "Docker Engine - Community", "Podman Engine"… from /version's Components or Platform. */
  readonly name: string;
  readonly version: string;
  readonly apiVersion: string;
}

export type EngineState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected'; readonly info: EngineInfo }
  | { readonly kind: 'starting' }
  | { readonly kind: 'stopping' }
  | { readonly kind: 'unreachable'; readonly reason: string };

/**
 * Thrown when a command needs the engine and none answers; the message says what to do. Recognise it
 * with isEngineUnavailable(): the commands bundle has its own copy of this class.
 */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
}

export function isEngineUnavailable(err: unknown): err is EngineUnavailableError {
  return (err as Error)?.name === 'EngineUnavailableError';
}

export interface EngineConnectionOptions {
  readonly bundled: BundledEngine;
  readonly log: vscode.LogOutputChannel;
}

const RECONNECT_MAX_MS = 30_000;

export class EngineConnection implements vscode.Disposable {
  private readonly stateEmitter = new vscode.EventEmitter<EngineState>();
  /** Fires on every state change (connected, unreachable…). */
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly eventEmitter = new vscode.EventEmitter<EngineEvent>();
  /** Every message of the engine's event stream while connected. */
  readonly onDidReceiveEvent = this.eventEmitter.event;

  private current: EngineState = { kind: 'connecting' };
  private docker: Docker | undefined;
  private eventStream: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
  private connecting: Promise<boolean> | undefined;
  private reconnect: AbortController | undefined;
  private reconnectDelayMs = 1000;
  /** Set when starting the bundled engine failed: do not start it again until the user asks. */
  private autoStartFailed = false;
  /**
   * Set from Stop Engine until Start Engine: nothing starts the bundled engine meanwhile, not a view
   * reloading while it shuts down, nor a settings change.
   */
  private stoppedByUser = false;
  private generation = 0;

  constructor(private readonly options: EngineConnectionOptions) {}

  get state(): EngineState {
    return this.current;
  }

  /** Where the bundled engine's output goes. */
  get bundledLogFile(): string {
    return this.options.bundled.logFile;
  }

  /** The engine this connection talks to, from the settings (throws on a malformed setting). */
  target(): EngineTarget {
    const config = vscode.workspace.getConfiguration('berth.engine');
    const target = resolveEngineTarget(
      config.get<string>('socket', ''),
      process.env,
      process.getuid?.() ?? 0,
    );
    if (target.kind === 'socket') return target;
    return {
      kind: 'bundled',
      socketPath: BundledEngine.socketPath(target.socketPath, this.bundledSettings()),
    };
  }

  bundledSettings(): BundledEngineSettings {
    const config = vscode.workspace.getConfiguration('berth.engine');
    return { dataRoot: config.get<string>('dataRoot', ''), execRoot: config.get<string>('execRoot', '') };
  }

  /** Tries to connect (without starting anything); resolves with whether the engine answered. */
  connect(): Promise<boolean> {
    this.connecting ??= this.tryConnect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Drops the current connection and connects again (after a settings change). */
  async reset(): Promise<boolean> {
    this.disconnect();
    this.autoStartFailed = false;
    return this.connect();
  }

  /**
   * A client for a connected engine. If none answers and the bundled engine is configured, starts it
   * (once per failure, see berth.engine.autoStart); otherwise throws EngineUnavailableError.
   */
  async client(): Promise<Docker> {
    if (this.docker && this.current.kind === 'connected') return this.docker;
    if (await this.connect()) return this.docker!;
    const target = this.target();
    const autoStart = vscode.workspace.getConfiguration('berth.engine').get<boolean>('autoStart', true);
    if (target.kind === 'bundled' && autoStart && !this.autoStartFailed && !this.stoppedByUser) {
      await this.startBundled();
      return this.docker!;
    }
    throw new EngineUnavailableError(this.unavailableMessage());
  }

  /** A client if the engine is connected right now; never starts or waits for anything. */
  clientIfConnected(): Docker | undefined {
    return this.current.kind === 'connected' ? this.docker : undefined;
  }

  /** Starts the bundled engine (if it is not answering already) and connects to it. */
  async startBundled(signal?: AbortSignal): Promise<void> {
    const target = this.target();
    if (target.kind !== 'bundled') {
      throw new Error(
        `berth.engine.socket points at ${target.socketPath}, not the bundled engine: clear that setting to use the bundled engine`,
      );
    }
    this.stoppedByUser = false;
    if (await this.connect()) return;
    this.cancelReconnect();
    this.setState({ kind: 'starting' });
    try {
      this.options.log.info(`starting the bundled engine on ${target.socketPath}`);
      const { cgroupNote } = await this.options.bundled.start(
        target.socketPath,
        this.bundledSettings(),
        signal,
      );
      if (cgroupNote) this.options.log.warn(cgroupNote);
    } catch (err) {
      this.autoStartFailed = true;
      const reason = `the bundled engine did not start: ${(err as Error).message}`;
      this.options.log.error(reason);
      this.setState({ kind: 'unreachable', reason });
      throw new EngineUnavailableError(reason);
    }
    this.autoStartFailed = false;
    if (!(await this.connect())) throw new EngineUnavailableError(this.unavailableMessage());
  }

  /** Stops the bundled engine and waits until it has exited. */
  async stopBundled(): Promise<void> {
    const target = this.target();
    if (target.kind !== 'bundled') {
      throw new Error(
        `Berth did not start the engine at ${target.socketPath}; stop it with the tools that manage it`,
      );
    }
    // The user stops it: wait for them to start it again rather than starting it on the next click.
    this.stoppedByUser = true;
    this.setState({ kind: 'stopping' });
    this.disconnect();
    try {
      await this.options.bundled.stop(target.socketPath, this.bundledSettings());
    } catch (err) {
      // It may still be running: show what the socket says rather than "stopped".
      this.setState({ kind: 'connecting' });
      void this.connect();
      throw err;
    }
    this.setState({ kind: 'unreachable', reason: 'the bundled engine is stopped' });
  }

  dispose(): void {
    this.disconnect();
    this.stateEmitter.dispose();
    this.eventEmitter.dispose();
  }

  private unavailableMessage(): string {
    const reason = this.current.kind === 'unreachable' ? this.current.reason : 'it is not connected';
    const target = this.target();
    return target.kind === 'bundled'
      ? `The bundled container engine is not running (${reason}). Start it from the Berth view or the status bar.`
      : `No container engine answers at ${target.socketPath} (${reason}). Start that engine, or change berth.engine.socket.`;
  }

  private async tryConnect(): Promise<boolean> {
    if (this.docker && this.current.kind === 'connected') return true;
    let target: EngineTarget;
    try {
      target = this.target();
    } catch (err) {
      this.setState({ kind: 'unreachable', reason: (err as Error).message });
      return false;
    }
    // While berthd shuts down its socket still answers; connecting now would bring back a dying engine.
    if (this.current.kind === 'stopping') return false;
    const generation = ++this.generation;
    if (this.current.kind !== 'starting') this.setState({ kind: 'connecting' });
    if (!(await pingSocket(target.socketPath))) {
      this.lost(generation, `nothing answers on ${target.socketPath}`, target);
      return false;
    }
    try {
      const docker = loadEngineBundle().createDockerClient(target.socketPath);
      const version = await (docker.version as (opts: object) => Promise<Docker.DockerVersion>)({
        abortSignal: AbortSignal.timeout(5000),
      });
      const stream = (await docker.getEvents({})) as unknown as NodeJS.ReadableStream & { destroy(): void };
      if (generation !== this.generation) {
        stream.destroy();
        return this.current.kind === 'connected';
      }
      this.docker = docker;
      this.follow(stream, generation, target);
      this.cancelReconnect();
      this.reconnectDelayMs = 1000;
      const info = describeEngine(version);
      this.options.log.info(
        `connected to ${info.name} ${info.version} (API ${info.apiVersion}) on ${target.socketPath}`,
      );
      this.setState({ kind: 'connected', info });
      return true;
    } catch (err) {
      this.lost(
        generation,
        `the engine on ${target.socketPath} did not answer: ${(err as Error).message}`,
        target,
      );
      return false;
    }
  }

  private follow(
    stream: NodeJS.ReadableStream & { destroy(): void },
    generation: number,
    target: EngineTarget,
  ): void {
    this.eventStream = stream;
    const parser = new JsonLineSplitter<EngineEvent>();
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const event of parser.push(chunk)) this.eventEmitter.fire(event);
    });
    const ended = (why: string) => () => this.lost(generation, why, target);
    stream.on('end', ended('the engine closed its event stream (it stopped or restarted)'));
    stream.on('error', (err: Error) => ended(`the event stream failed: ${err.message}`)());
  }

  /** The engine went away (or never answered): say so and wait for it to come back. */
  private lost(generation: number, reason: string, target: EngineTarget): void {
    if (generation !== this.generation) return;
    this.generation++;
    this.eventStream?.destroy();
    this.eventStream = undefined;
    this.docker = undefined;
    if (this.current.kind === 'stopping') return;
    this.options.log.info(reason);
    this.setState({ kind: 'unreachable', reason });
    this.scheduleReconnect(target);
  }

  /**
   * Reconnects when the socket's directory changes (an engine that restarts recreates its socket),
   * or after a capped back-off in case the change was missed.
   */
  private scheduleReconnect(target: EngineTarget): void {
    this.cancelReconnect();
    const controller = new AbortController();
    this.reconnect = controller;
    const delayMs = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(path.dirname(target.socketPath), () => retry());
    } catch {
      // The directory does not exist yet; the back-off timer covers it.
    }
    const timer = setTimeout(() => retry(), delayMs);
    const cleanup = () => {
      clearTimeout(timer);
      watcher?.close();
    };
    controller.signal.addEventListener('abort', cleanup);
    const retry = () => {
      if (controller.signal.aborted) return;
      controller.abort();
      void this.connect();
    };
  }

  private cancelReconnect(): void {
    this.reconnect?.abort();
    this.reconnect = undefined;
  }

  private disconnect(): void {
    this.generation++;
    this.cancelReconnect();
    this.eventStream?.destroy();
    this.eventStream = undefined;
    this.docker = undefined;
  }

  private setState(state: EngineState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'berth.engine.state', state.kind);
    this.stateEmitter.fire(state);
  }
}

function describeEngine(version: Docker.DockerVersion): EngineInfo {
  const withPlatform = version as Docker.DockerVersion & { Platform?: { Name?: string } };
  return {
    name: withPlatform.Platform?.Name || 'Docker Engine API',
    version: version.Version,
    apiVersion: version.ApiVersion,
  };
}
