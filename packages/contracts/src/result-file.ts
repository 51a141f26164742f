import { OBJECT_STORES } from './names.js';
import type { ArtifactRef, TaskState } from './state.js';

/**
 * The file a finished task produced, if any: the runtime's `resultRef` (a result too large to
 * keep inline), or a result carrying an `artifact` in ARTIFACTS (an export, a report). The
 * gateway's result route streams it; cleanup removes it with the task.
 */
export function resultFile(state: Pick<TaskState, 'result' | 'resultRef'>): ArtifactRef | null {
  if (state.resultRef) return state.resultRef;
  const { result } = state;
  if (typeof result !== 'object' || result === null) return null;
  const artifact: unknown = Reflect.get(result, 'artifact');
  return isArtifactRef(artifact) ? artifact : null;
}

function isArtifactRef(value: unknown): value is ArtifactRef {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as Partial<Record<keyof ArtifactRef, unknown>>;
  return (
    ref.store === OBJECT_STORES.artifacts &&
    typeof ref.name === 'string' &&
    ref.name.length > 0 &&
    typeof ref.size === 'number' &&
    typeof ref.contentType === 'string' &&
    (ref.fileName === undefined || typeof ref.fileName === 'string')
  );
}
