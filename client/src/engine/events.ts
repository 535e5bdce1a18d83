// The engine's event stream (GET /events) decides which views refresh: a view reloads only after an
// event that can change what it shows, so nothing polls.
import type { ViewName } from '../tree/nodes';

/** One message of GET /events (Docker's and Podman's shape; older engines also send `status`). */
export interface EngineEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly status?: string;
  readonly id?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Record<string, string> };
  readonly time?: number;
}

// Container actions that change nothing the views show (exec sessions, attach, resize, top, …).
const QUIET_CONTAINER_ACTIONS =
  /^(exec_create|exec_start|exec_die|exec_detach|attach|detach|resize|top|copy|archive-path|extract-to-dir|commit|export)\b/;

/** The views whose content an event may have changed. */
export function viewsAffectedBy(event: EngineEvent): ViewName[] {
  const type = event.Type ?? (event.status ? 'container' : '');
  const action = event.Action ?? event.status ?? '';
  switch (type) {
    case 'container':
      if (QUIET_CONTAINER_ACTIONS.test(action)) return [];
      // Removing a container may free its anonymous volumes and make an image dangling-removable.
      return action === 'destroy' ? ['containers', 'volumes'] : ['containers'];
    case 'image':
      return ['images'];
    case 'volume':
      return ['volumes'];
    case 'network':
      // connect/disconnect change a container's networks, which the Containers view does not show.
      return action === 'connect' || action === 'disconnect' ? [] : ['networks'];
    case 'daemon':
      return ['containers', 'images', 'volumes', 'networks'];
    default:
      return [];
  }
}
