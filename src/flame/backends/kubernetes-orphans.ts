/**
 * No orphans across restarts. A runner pod names its parent in labels: the node's pod
 * (`flame/parent-pod`) and the node's *process* (`flame/parent-id`, new each start). When
 * a node's container restarts (a crash, an OOM kill), its pod stays, so Kubernetes' garbage
 * collector never deletes that pod's runners: the new process must. `sweepOrphans` deletes
 *
 * - runners of this pod whose parent id is not this process's (a previous life);
 * - runners of this process that have ended (Succeeded/Failed) and that the backend no
 *   longer tracks (their deletion failed earlier);
 * - runners whose owner pod is gone or was replaced by a pod of the same name (other uid).
 *
 * and never touches the runners of another live node, nor pods it did not create.
 *
 *   const deleted = await sweepOrphans(api, { parentPod: 'wps-0', parentUid, parentId }, (name) => tracked.has(name))
 */

import { type KubernetesApi, KubernetesApiError } from './kubernetes-api.ts'
import { labelValue, type StoredPod } from './kubernetes-pod.ts'
import { LABELS, MANAGED_BY } from './kubernetes-runner-pod.ts'

export interface SweepIdentity {
  parentPod: string
  parentUid: string
  parentId: string
}

function ended(pod: StoredPod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

/** Deletes orphaned runner pods; resolves the names it deleted. */
export async function sweepOrphans(
  api: KubernetesApi,
  me: SweepIdentity,
  tracked: (name: string) => boolean,
): Promise<string[]> {
  const { items } = await api.listPods(`${LABELS.managedBy}=${MANAGED_BY}`)
  const myPod = labelValue(me.parentPod)
  const myId = labelValue(me.parentId)
  const owners = new Map<string, string | null>() // owner name → its current uid, null when gone
  const doomed: StoredPod[] = []
  for (const pod of items) {
    const labels = pod.metadata.labels ?? {}
    if (pod.metadata.deletionTimestamp) continue
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === 'Pod')
    if (labels[LABELS.parentPod] === myPod && owner?.uid === me.parentUid) {
      if (labels[LABELS.parentId] !== myId) doomed.push(pod)
      else if (ended(pod) && !tracked(pod.metadata.name)) doomed.push(pod)
      continue
    }
    if (!owner) continue // not a runner this library made: leave it alone
    if (!owners.has(owner.name)) {
      try {
        owners.set(owner.name, (await api.getPod(owner.name)).metadata.uid)
      } catch (err) {
        if (!(err instanceof KubernetesApiError && err.status === 404)) continue // unsure: keep
        owners.set(owner.name, null)
      }
    }
    if (owners.get(owner.name) !== owner.uid) doomed.push(pod)
  }
  const deleted: string[] = []
  for (const pod of doomed) {
    if (await api.deletePod(pod.metadata.name, { gracePeriodSeconds: 0 })) deleted.push(pod.metadata.name)
  }
  return deleted
}
