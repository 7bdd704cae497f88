/**
 * No orphans across restarts. A runner pod names its parent: the node's pod (label
 * `flame/parent-pod`, and its `ownerReference`) and the node's *process* (annotation
 * `flame/parent-id`, new each start, also as a label). When a node's container restarts
 * (a crash, an OOM kill), its pod stays, so Kubernetes' garbage collector never deletes
 * that pod's runners: the new process must. `sweepOrphans` deletes
 *
 * - runners whose parent process is gone: the network link says nobody answers for that
 *   parent id (`isParentAlive` → false; "unsure" never deletes) — for a parent in another
 *   live pod, at two sweeps `confirmDeadAfterMs` apart;
 * - runners whose owner pod is gone or was replaced by a pod of the same name (other uid);
 * - runners of this process that have ended (Succeeded/Failed) and that the backend no
 *   longer tracks (their deletion failed earlier);
 *
 * and never touches the runners of another live node, nor pods it did not create.
 *
 *   const deleted = await sweepOrphans(api, { parentPod: 'wps-0', parentUid, parentId }, {
 *     tracked: (name) => pods.has(name),
 *     isParentAlive: (id) => link.isParentAlive(id),
 *   })
 */

import { type KubernetesApi, KubernetesApiError } from './kubernetes-api.ts'
import type { StoredPod } from './kubernetes-pod.ts'
import { LABELS, MANAGED_BY, PARENT_ID_ANNOTATION } from './kubernetes-runner-pod.ts'

export interface SweepIdentity {
  parentPod: string
  parentUid: string
  parentId: string
}

function ended(pod: StoredPod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

export interface SweepChecks {
  /** Pods this backend still looks after (booting or connected). */
  tracked(name: string): boolean
  /** true: it answers; false: nobody does; undefined: cannot tell. */
  isParentAlive(parentId: string): Promise<boolean | undefined>
  /**
   * A silent parent in *another* live pod is taken for dead only when it was silent at a
   * sweep at least this long before too: a NATS cluster still joining answers "nobody" for
   * a parent that is alive. (The previous process of this very pod is dead for sure: a pod
   * runs one node.) Default 0.
   */
  confirmDeadAfterMs?: number
  /** First silence of each such parent, kept by the caller between sweeps. */
  silentSince?: Map<string, number>
}

/** Deletes orphaned runner pods; resolves the names it deleted. */
export async function sweepOrphans(
  api: KubernetesApi,
  me: SweepIdentity,
  checks: SweepChecks,
): Promise<string[]> {
  const { items } = await api.listPods(`${LABELS.managedBy}=${MANAGED_BY}`)
  const owners = new Map<string, string | null>() // owner name → its current uid, null when gone
  const parents = new Map<string, boolean | undefined>()
  const doomed: StoredPod[] = []
  const confirm = checks.confirmDeadAfterMs ?? 0
  const silentSince = checks.silentSince ?? new Map<string, number>()
  const now = Date.now()
  for (const pod of items) {
    if (pod.metadata.deletionTimestamp) continue
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === 'Pod')
    const parentId = pod.metadata.annotations?.[PARENT_ID_ANNOTATION]
    if (!owner || !parentId) continue // not a runner this library made: leave it alone
    if (parentId === me.parentId) {
      if (ended(pod) && !checks.tracked(pod.metadata.name)) doomed.push(pod)
      continue
    }
    const samePod = owner.uid === me.parentUid
    if (!samePod) {
      if (!owners.has(owner.name)) {
        try {
          owners.set(owner.name, (await api.getPod(owner.name)).metadata.uid)
        } catch (err) {
          if (!(err instanceof KubernetesApiError && err.status === 404)) continue // unsure: keep
          owners.set(owner.name, null)
        }
      }
      if (owners.get(owner.name) !== owner.uid) {
        doomed.push(pod)
        continue
      }
    }
    if (!parents.has(parentId)) parents.set(parentId, await checks.isParentAlive(parentId))
    const alive = parents.get(parentId)
    if (alive !== false) {
      if (alive === true) silentSince.delete(parentId)
      continue
    }
    if (samePod || confirm <= 0) {
      doomed.push(pod)
      continue
    }
    const since = silentSince.get(parentId)
    if (since === undefined) silentSince.set(parentId, now)
    else if (now - since >= confirm) doomed.push(pod)
  }
  const deleted: string[] = []
  for (const pod of doomed) {
    if (await api.deletePod(pod.metadata.name, { gracePeriodSeconds: 0 })) deleted.push(pod.metadata.name)
  }
  return deleted
}
